-- admit: checks every limit of every party (key before team), then their budgets, and only when all
-- pass counts the request: one rpm entry per party with an rpm limit, one in-flight place per party
-- with a max-parallel limit.
-- KEYS per party, 5 keys: rpm window, tpm window, tpm running sum, in-flight count, spend of the
--   budget's current period. An rpm window's member is '<ms>:<entries before it>': unique, since in
--   one millisecond a window only grows.
-- ARGV[1] in-flight TTL (ms), ARGV[2] number of parties; then per party, 4 values
--   (-1 when absent): rpm, tpm, max parallel, budget (nano-dollars, as text).
-- Returns {1, per party: rpm count, rpm reset ms, tpm sum, tpm reset ms, in flight (0 without a
-- max-parallel limit), spent (text, '0' without a budget)} when admitted,
-- {0, party (1-based), 'rpm'|'tpm', retry after ms}, {0, party, 'max_parallel', -1} or
-- {0, party, 'budget', spent (text)} when refused; a refused request counts nothing.
local inFlightTtl = ARGV[1]
local parties = tonumber(ARGV[2])
local counts = {}
-- Every key is read (call) before anything is counted: a key of another shape fails the call first.
expectedKinds = kinds('', 'zznnn', parties)

for i = 1, parties do
    local k = (i - 1) * 5
    local a = 2 + (i - 1) * 4
    local rpm = tonumber(ARGV[a + 1])
    local tpm = tonumber(ARGV[a + 2])
    local maxParallel = tonumber(ARGV[a + 3])
    local c = { rpm = 0, tpm = 0 }
    if rpm >= 0 then
        call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', cutoff)
        c.rpm = redis.call('ZCARD', KEYS[k + 1])
        if c.rpm >= rpm then
            -- Admits again once enough of its oldest admissions have left the window.
            local at = c.rpm - rpm
            local freeing = redis.call('ZRANGE', KEYS[k + 1], at, at, 'WITHSCORES')
            if #freeing == 0 then
                return { 0, i, 'rpm', WINDOW }
            end
            return { 0, i, 'rpm', tonumber(freeing[2]) + WINDOW - now }
        end
    end
    if tpm >= 0 then
        c.tpm = tpmSum(KEYS[k + 2], KEYS[k + 3], true)
        if c.tpm >= tpm then
            local left = c.tpm
            local freeing = now
            local entries = redis.call('ZRANGE', KEYS[k + 2], 0, -1, 'WITHSCORES')
            for e = 1, #entries, 2 do
                if left < tpm then
                    break
                end
                left = left - tokensOf(entries[e])
                freeing = tonumber(entries[e + 1])
            end
            return { 0, i, 'tpm', freeing + WINDOW - now }
        end
    end
    -- Only a party with a max-parallel limit counts its calls in flight (its settlement gives them back).
    c.inFlight = 0
    if maxParallel >= 0 then
        c.inFlight = tonumber(countAt(KEYS[k + 4]))
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
        local spent = countAt(KEYS[(i - 1) * 5 + 5])
        if atLeast(spent, budget) then
            return { 0, i, 'budget', spent }
        end
        counts[i].spent = spent
    end
end

local reply = { 1 }
for i = 1, parties do
    local k = (i - 1) * 5
    local c = counts[i]
    local rpmReset = 0
    if tonumber(ARGV[2 + (i - 1) * 4 + 1]) >= 0 then
        redis.call('ZADD', KEYS[k + 1], now, now .. ':' .. c.rpm)
        redis.call('PEXPIRE', KEYS[k + 1], WINDOW)
        c.rpm = c.rpm + 1
        rpmReset = WINDOW
    end
    local tpmReset = 0
    if tonumber(ARGV[2 + (i - 1) * 4 + 2]) >= 0 then
        tpmReset = resetAfter(KEYS[k + 2])
    end
    local inFlight = 0
    if tonumber(ARGV[2 + (i - 1) * 4 + 3]) >= 0 then
        inFlight = redis.call('INCR', KEYS[k + 4])
        redis.call('PEXPIRE', KEYS[k + 4], inFlightTtl)
    end
    table.insert(reply, c.rpm)
    table.insert(reply, rpmReset)
    table.insert(reply, c.tpm)
    table.insert(reply, tpmReset)
    table.insert(reply, inFlight)
    table.insert(reply, c.spent)
end
return reply
