-- read: every provider's health in one call (the background poll of each replica).
-- KEYS: per provider, 3 keys: cooldown, circuit, probe.
-- Returns per provider 5 integers: pause left (ms, 0 when none); 1 when the circuit is not closed,
-- else 0; open time left (ms, <= 0 once half-open); failures; 1 while a probe is out, else 0.
local result = {}
for k = 1, #KEYS, 3 do
    local left = redis.call('PTTL', KEYS[k])
    if left < 0 then
        left = 0
    end
    result[#result + 1] = left
    local openUntil, failures = circuitOf(redis.call('GET', KEYS[k + 1]))
    if openUntil then
        result[#result + 1] = 1
        result[#result + 1] = openUntil - now
        result[#result + 1] = failures
        result[#result + 1] = redis.call('EXISTS', KEYS[k + 2])
    else
        result[#result + 1] = 0
        result[#result + 1] = 0
        result[#result + 1] = 0
        result[#result + 1] = 0
    end
end
return result
