-- standings: reads the parties' windows, in-flight counts and spend, changing nothing.
-- KEYS per party, 5 keys: rpm window, tpm window, tpm running sum, in-flight count, spend of the
-- budget's current period. ARGV[1] number of parties.
-- Returns per party: rpm count, rpm reset ms, tpm sum, tpm reset ms, in flight, spent (text).
local parties = tonumber(ARGV[1])
local reply = {}
-- Reads only: a key of another shape fails the call when it is read (call).
expectedKinds = kinds('', 'zznnn', parties)
for i = 1, parties do
    local k = (i - 1) * 5
    table.insert(reply, call('ZCOUNT', KEYS[k + 1], '(' .. cutoff, '+inf'))
    table.insert(reply, resetAfter(KEYS[k + 1]))
    table.insert(reply, tpmSum(KEYS[k + 2], KEYS[k + 3], false))
    table.insert(reply, resetAfter(KEYS[k + 2]))
    table.insert(reply, tonumber(countAt(KEYS[k + 4])))
    table.insert(reply, countAt(KEYS[k + 5]))
end
return reply
