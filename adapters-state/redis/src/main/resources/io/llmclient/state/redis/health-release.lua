-- release: a probe that ended without a verdict frees its lease, if its replica still holds it.
-- KEYS[1] probe. ARGV[1] the replica.
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
end
return 0
