-- close: a probe succeeded (or the provider answered while its circuit was open): closed for every replica.
-- KEYS[1] circuit, KEYS[2] probe.
return redis.call('DEL', KEYS[1], KEYS[2])
