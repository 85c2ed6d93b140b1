-- claim: the single probe of a half-open circuit, across replicas; the lease frees it should its
-- replica die.
-- KEYS[1] circuit, KEYS[2] probe. ARGV[1] the claiming replica, ARGV[2] the lease (ms).
-- Returns 1 granted; 0 refused (still open on Redis's clock, or another replica holds the probe);
-- -1 the circuit is closed.
local openUntil = circuitOf(redis.call('GET', KEYS[1]))
if not openUntil then
    return -1
end
if now < openUntil then
    return 0
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return 1
end
return 0
