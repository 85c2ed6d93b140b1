-- open: a provider's circuit opens for every replica. A circuit still in its open time, or with its
-- probe out, stays as it is (the first opening's time stands; the probe's verdict decides) unless
-- reopen (a failed probe), which starts a new open time and frees the probe.
-- KEYS[1] circuit, KEYS[2] probe. ARGV[1] open time (ms), ARGV[2] failures, ARGV[3] '1' to reopen,
-- ARGV[4] how long the circuit is remembered after its open time (ms): a half-open circuit no
-- replica probes is forgotten (closed) then, rather than kept for ever.
if ARGV[3] ~= '1' then
    local openUntil = circuitOf(redis.call('GET', KEYS[1]))
    if openUntil and (now < openUntil or redis.call('EXISTS', KEYS[2]) == 1) then
        return 0
    end
end
local openFor = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', now + openFor) .. ':' .. ARGV[2], 'PX', openFor + tonumber(ARGV[4]))
redis.call('DEL', KEYS[2])
return 1
