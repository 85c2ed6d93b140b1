-- pause: a provider's cooldown after a rate limit, for every replica. A pause that ends later stays.
-- KEYS[1] the provider's cooldown key. ARGV[1] the wait (ms, > 0).
-- Returns the pause left (ms).
local wait = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < wait then
    redis.call('SET', KEYS[1], '1', 'PX', wait)
    return wait
end
return left
