-- settle: calls admitted earlier ended (one, or several of the same parties settled together). Per
-- party: their in-flight places are given back (when the party has a max-parallel limit; never below
-- zero), their tokens enter the tpm window (when it has a tpm limit) and their cost is added to the
-- spend of each of the four periods.
-- KEYS per party, 6 keys: window (rpm and tpm, a hash: common.lua), in-flight count,
--   spend daily, weekly, monthly, total (the periods holding the caller's now).
--   Then, when the settlement has an id, its marker (the key charge.lua marks for that id).
-- ARGV[1] number of parties, ARGV[2] calls settled, ARGV[3] tokens, ARGV[4] cost (nano-dollars, as
--   text), ARGV[5..7] when the daily, weekly and monthly spend keys expire (epoch ms); then per party,
--   its limits that settling touches: 't' for tpm, 'p' for max parallel, both, or '-'; then, with a
--   marker, how long it is kept (ms).
-- A settlement whose id is marked already (sent again, or charged after its answer was lost) changes nothing.
local parties = tonumber(ARGV[1])
local calls = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local cost = ARGV[4]
expectedKinds = kinds('', 'hnnnnn', parties) .. '-'

-- Spend keys are only added to: read together (one MGET, one EXISTS) so that one of another shape
-- fails the call before anything is written.
local function spendReadable(first)
    local values = call('MGET', KEYS[first], KEYS[first + 1], KEYS[first + 2], KEYS[first + 3])
    local present = 0
    for p = 1, 4 do
        if values[p] then
            present = present + 1
            if not string.match(values[p], '^%d+$') then
                checkKeys(expectedKinds)
            end
        end
    end
    -- MGET reads a key of another type as absent; EXISTS counts it.
    if call('EXISTS', KEYS[first], KEYS[first + 1], KEYS[first + 2], KEYS[first + 3]) ~= present then
        checkKeys(expectedKinds)
    end
end

-- Every key read before anything is counted.
local inFlight = {}
local windows = {}
for i = 1, parties do
    local k = (i - 1) * 6
    inFlight[i] = 0
    if string.find(ARGV[7 + i], 'p', 1, true) then
        inFlight[i] = tonumber(countAt(KEYS[k + 2]))
    end
    if string.find(ARGV[7 + i], 't', 1, true) and tokens > 0 then
        windows[i] = windowAt(KEYS[k + 1], 't')
    end
    if cost ~= '0' then
        spendReadable(k + 3)
    end
end

local marker = KEYS[1 + parties * 6]
if marker and not redis.call('SET', marker, '1', 'NX', 'PX', ARGV[8 + parties]) then
    return 0
end

for i = 1, parties do
    local k = (i - 1) * 6
    if inFlight[i] > 0 then
        redis.call('DECRBY', KEYS[k + 2], math.min(inFlight[i], calls))
    end
    local w = windows[i]
    if w then
        w.t = w.t + tokens
        w.current = w.current + tokens
        writeWindow(w, 't')
    end
    if cost ~= '0' then
        for p = 0, 3 do
            -- A period's key expires at a fixed time, set when its first spend creates it.
            local spent = redis.call('INCRBY', KEYS[k + 3 + p], cost)
            if p < 3 and spent == tonumber(cost) then
                redis.call('PEXPIREAT', KEYS[k + 3 + p], ARGV[5 + p])
            end
        end
    end
end
return parties
