-- admit: checks every limit of every party (key before team), then their budgets, and only when all
-- pass counts the request (or the requests granted: see "grant"): in the rpm window of each party
-- with an rpm limit, and an in-flight place for each party with a max-parallel limit.
-- KEYS per party, 6 keys: window (rpm and tpm, a hash: common.lua), an older version's rpm window,
--   tpm window and tpm running sum (counted while they last), in-flight count, spend of the
--   budget's current period.
-- ARGV[1] in-flight TTL (ms), ARGV[2] number of parties; then per party, 4 values
--   (-1 when absent): rpm, tpm, max parallel, budget (nano-dollars, as text); then how many requests
--   are asked for (1 when absent; negative: ahead only, see "grant" below).
-- Returns {1, per party: rpm count, rpm reset ms, tpm sum, tpm reset ms, in flight (0 without a
-- max-parallel limit), spent (text, '0' without a budget); then the requests admitted ahead (beyond
-- the asking one), the ms left until the end of the second of Redis's clock that counted them, and
-- that second} when admitted,
-- {0, party (1-based), 'rpm'|'tpm', retry after ms}, {0, party, 'max_parallel', -1} or
-- {0, party, 'budget', spent (text)} when refused; a refused request counts nothing.
local inFlightTtl = ARGV[1]
local parties = tonumber(ARGV[2])
local counts = {}
local wanted = tonumber(ARGV[3 + parties * 4]) or 1
-- A negative number asks ahead only (a replica renewing an allowance before it runs out): no asking
-- request, only requests ahead, and none at all without room for two.
local asking = 1
if wanted < 0 then
    asking, wanted = 0, -wanted
end
-- Every key is read (call) before anything is counted: a key of another shape fails the call first.
expectedKinds = kinds('', 'hzznnn', parties)

-- One call finds whether any party still has an older version's window.
local olderKeys = {}
for i = 1, parties do
    table.insert(olderKeys, KEYS[(i - 1) * 6 + 2])
    table.insert(olderKeys, KEYS[(i - 1) * 6 + 3])
end
local older = redis.call('EXISTS', unpack(olderKeys)) > 0

for i = 1, parties do
    local k = (i - 1) * 6
    local a = 2 + (i - 1) * 4
    local rpm = tonumber(ARGV[a + 1])
    local tpm = tonumber(ARGV[a + 2])
    local maxParallel = tonumber(ARGV[a + 3])
    local c = { olderRpm = 0, olderTpm = 0, inFlight = 0 }
    if older then
        call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', cutoff)
        c.olderRpm = redis.call('ZCARD', KEYS[k + 2])
        c.olderTpm = tpmSum(KEYS[k + 3], KEYS[k + 4], true)
    end
    if rpm >= 0 or tpm >= 0 then
        c.w = windowAt(KEYS[k + 1], 'r')
        local requests = c.w.r + c.olderRpm
        if rpm >= 0 and requests >= rpm then
            return { 0, i, 'rpm', windowRetry(c.w, 'r', requests, rpm) }
        end
        local tokens = c.w.t + c.olderTpm
        if tpm >= 0 and tokens >= tpm then
            return { 0, i, 'tpm', windowRetry(c.w, 't', tokens, tpm) }
        end
    end
    -- Only a party with a max-parallel limit counts its calls in flight (its settlement gives them back).
    if maxParallel >= 0 then
        c.inFlight = tonumber(countAt(KEYS[k + 5]))
        if c.inFlight >= maxParallel then
            return { 0, i, 'max_parallel', -1 }
        end
    end
    counts[i] = c
end

for i = 1, parties do
    local budget = ARGV[2 + (i - 1) * 4 + 4]
    counts[i].spent = '0'
    if budget ~= '-1' then
        local spent = countAt(KEYS[(i - 1) * 6 + 6])
        if atLeast(spent, budget) then
            return { 0, i, 'budget', spent }
        end
        counts[i].spent = spent
    end
end

-- How many requests this step admits: the asking one and, when more are asked for (a replica
-- admitting ahead, decision 47), as many more as every party has room for: an rpm or max-parallel
-- count stays within half its limit and grows by at most a 64th of it; tpm and budget at most half
-- used. The requests beyond the asking one count in the bucket of the second the replica hands
-- them out in: this one, or the next when under 200 ms of this one are left (they then count for
-- up to a second longer than the rolling minute, never less).
local grant = 1
local aheadSecond = second
local msLeft = SECOND - (now - second * SECOND)
if msLeft < 200 then
    aheadSecond = second + 1
    msLeft = msLeft + SECOND
end
if wanted > 1 then
    grant = wanted
    for i = 1, parties do
        local a = 2 + (i - 1) * 4
        local rpm, tpm, maxParallel = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
        local budget = ARGV[a + 4]
        local c = counts[i]
        if rpm >= 0 then
            grant = math.min(grant, math.floor(rpm / 64), math.floor(rpm / 2) - c.w.r - c.olderRpm)
        end
        if maxParallel >= 0 then
            grant = math.min(grant, math.floor(maxParallel / 64), math.floor(maxParallel / 2) - c.inFlight)
        end
        if tpm >= 0 and (c.w.t + c.olderTpm) * 2 > tpm then
            grant = 1
        end
        if budget ~= '-1' and tonumber(c.spent) * 2 > tonumber(budget) then
            grant = 1
        end
    end
    grant = math.max(1, grant)
end
if asking == 0 and grant < 2 then
    grant = 0
end
local ahead = grant - asking

local reply = { 1 }
for i = 1, parties do
    local k = (i - 1) * 6
    local a = 2 + (i - 1) * 4
    local c = counts[i]
    local requests, requestsReset, tokens, tokensReset = 0, 0, 0, 0
    if tonumber(ARGV[a + 1]) >= 0 then
        if grant > 0 then
            c.w.r = c.w.r + grant
            if aheadSecond == second then
                c.w.current = c.w.current + grant
                writeWindow(c.w, 'r')
            else
                c.w.current = c.w.current + asking
                writeWindow(c.w, 'r')
                if ahead > 0 then
                    redis.call('HINCRBY', c.w.key, 'r' .. aheadSecond, ahead)
                end
            end
        end
        requests = c.w.r + c.olderRpm
        requestsReset = windowReset(second, c.w.r)
    end
    if tonumber(ARGV[a + 2]) >= 0 then
        tokens = c.w.t + c.olderTpm
        tokensReset = windowReset(c.w.tn, c.w.t)
        if c.olderTpm > 0 then
            tokensReset = math.max(tokensReset, resetAfter(KEYS[k + 3]))
        end
    end
    local inFlight = 0
    if tonumber(ARGV[a + 3]) >= 0 then
        inFlight = c.inFlight + grant
        if grant > 0 then
            redis.call('SET', KEYS[k + 5], inFlight, 'PX', inFlightTtl)
        end
    end
    table.insert(reply, requests)
    table.insert(reply, requestsReset)
    table.insert(reply, tokens)
    table.insert(reply, tokensReset)
    table.insert(reply, inFlight)
    table.insert(reply, c.spent)
end
table.insert(reply, ahead)
table.insert(reply, msLeft)
table.insert(reply, aheadSecond)
return reply
