-- Shared by the provider-health scripts (RedisProviderHealth prepends it to each that needs the time).
-- Time is Redis's own (TIME), never a replica's clock.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- A circuit is stored as '<open until, epoch ms on Redis's clock>:<failures>'.
local function circuitOf(value)
    if not value then
        return nil
    end
    local openUntil, failures = string.match(value, '^(%d+):(%d+)$')
    if not openUntil then
        return nil
    end
    return tonumber(openUntil), tonumber(failures)
end
