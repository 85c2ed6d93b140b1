-- standings: reads the parties' windows, in-flight counts and spend, changing nothing.
-- KEYS per party, 6 keys as admit's: window (a hash: common.lua), an older version's rpm window,
-- tpm window and tpm running sum, in-flight count, spend of the budget's current period.
-- ARGV[1] number of parties.
-- Returns per party: rpm count, rpm reset ms, tpm sum, tpm reset ms, in flight, spent (text).
local parties = tonumber(ARGV[1])
local reply = {}
-- Reads only: a key of another shape fails the call when it is read (call).
expectedKinds = kinds('', 'hzznnn', parties)
for i = 1, parties do
    local k = (i - 1) * 6
    local w = windowAt(KEYS[k + 1], 'r')
    local requests, requestsReset = w.r, windowReset(w.rn, w.r)
    local tokens, tokensReset = w.t, windowReset(w.tn, w.t)
    if redis.call('EXISTS', KEYS[k + 2], KEYS[k + 3]) > 0 then
        requests = requests + call('ZCOUNT', KEYS[k + 2], '(' .. cutoff, '+inf')
        requestsReset = math.max(requestsReset, resetAfter(KEYS[k + 2]))
        tokens = tokens + tpmSum(KEYS[k + 3], KEYS[k + 4], false)
        tokensReset = math.max(tokensReset, resetAfter(KEYS[k + 3]))
    end
    table.insert(reply, requests)
    table.insert(reply, requestsReset)
    table.insert(reply, tokens)
    table.insert(reply, tokensReset)
    table.insert(reply, tonumber(countAt(KEYS[k + 5])))
    table.insert(reply, countAt(KEYS[k + 6]))
end
return reply
