-- give back: requests admitted ahead (admit's grant, decision 47) that the replica never handed out.
-- Per party, they leave the rpm bucket of the second that counted them (while the window holds it: a
-- bucket that left was taken off the totals already, and its field deleted) and their in-flight
-- places come back (never below zero).
-- KEYS per party, 2 keys: window (a hash: common.lua), in-flight count.
-- ARGV[1] number of parties, ARGV[2] requests, ARGV[3] the second of Redis's clock that counted them;
--   then per party what admit counted of it: 'r' (an rpm limit), 'p' (a max-parallel limit), both, or '-'.
local parties = tonumber(ARGV[1])
local requests = tonumber(ARGV[2])
local bucket = 'r' .. ARGV[3]
expectedKinds = kinds('', 'hn', parties)

-- Every key read before anything is written.
local counted, inFlight = {}, {}
for i = 1, parties do
    local touched = ARGV[3 + i]
    counted[i], inFlight[i] = 0, 0
    if string.find(touched, 'r', 1, true) then
        counted[i] = tonumber(call('HGET', KEYS[2 * i - 1], bucket)) or 0
    end
    if string.find(touched, 'p', 1, true) then
        inFlight[i] = tonumber(countAt(KEYS[2 * i]))
    end
end

for i = 1, parties do
    local r = math.min(requests, counted[i])
    if r > 0 then
        redis.call('HINCRBY', KEYS[2 * i - 1], bucket, -r)
        redis.call('HINCRBY', KEYS[2 * i - 1], 'r', -r)
    end
    local p = math.min(requests, inFlight[i])
    if p > 0 then
        redis.call('DECRBY', KEYS[2 * i], p)
    end
end
return parties
