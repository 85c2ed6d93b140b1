-- Shared by admit.lua, settle.lua and standings.lua (RedisQuotaState prepends it to each).
-- Time is Redis's own (TIME), never a replica's clock: every replica's windows are measured on one clock.
local WINDOW = 60000
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local cutoff = now - WINDOW

-- Amounts of money stay decimal text (a Lua number is a double, exact only below 2^53 nano-dollars):
-- non-negative integers without leading zeros compare by length, then as text.
local function atLeast(a, b)
    if #a ~= #b then
        return #a > #b
    end
    return a >= b
end

-- A tpm entry's member ends in ':<tokens>' ('<ms>:<tokens before>:<tokens>'; '<seq>:<tokens>' before decision 43).
local function tokensOf(member)
    return tonumber(string.match(member, ':(%d+)$'))
end

-- A key under the prefix that this version did not write (another program's, or an older version's
-- of another shape) fails the call naming the key, before the script writes anything: nothing is
-- counted from a value this version cannot read, and nothing of another program is overwritten or
-- deleted. charge checks all its keys first; admit, settle and standings read every key they use
-- before writing any and check them only when a read fails or reads a value of another shape
-- (call, countAt). kinds: 'h' a hash, 'z' a sorted set, 'n' a count (an integer as text), '-' not
-- checked.
local COLLECTIONS = { h = { type = 'hash', name = 'hash' }, z = { type = 'zset', name = 'sorted set' } }
local function checkKeys(kinds)
    for i = 1, #KEYS do
        local kind = string.sub(kinds, i, i)
        if kind ~= '-' then
            local found = redis.call('TYPE', KEYS[i]).ok
            if found ~= 'none' then
                local collection = COLLECTIONS[kind]
                if collection and found ~= collection.type then
                    error({ err = 'WRONGTYPE key ' .. KEYS[i] .. ' is a ' .. found .. ', not the ' .. collection.name
                            .. ' this version writes' })
                end
                if kind == 'n' and (found ~= 'string' or not string.match(redis.call('GET', KEYS[i]), '^%d+$')) then
                    error({ err = 'WRONGTYPE key ' .. KEYS[i] .. ' is not the count this version writes' })
                end
            end
        end
    end
end

-- The kinds of KEYS: 'first' for KEYS[1], then 'each' once per party.
local function kinds(first, each, parties)
    return first .. string.rep(each, parties)
end

-- What the running script expects of its KEYS (see kinds), for the checks of call.
local expectedKinds = nil

-- redis.call for the steps that read before a script writes anything: a key of another shape fails
-- the call naming it (checkKeys, only then), so scripts need not check every key up front.
local function call(...)
    local reply = redis.pcall(...)
    if type(reply) == 'table' and reply.err then
        if expectedKinds then
            checkKeys(expectedKinds)
        end
        error(reply)
    end
    return reply
end

-- A count read by call: an integer as text ('0' when absent); anything else fails the call naming its key.
local function countAt(key)
    local value = call('GET', key)
    if not value then
        return '0'
    end
    if not string.match(value, '^%d+$') and expectedKinds then
        checkKeys(expectedKinds)
    end
    return value
end

-- Windows of versions before decision 44 (sorted sets, below) count while they last: admit prunes
-- them as those versions did, and nothing adds to them.

-- The tokens in an older version's tpm window: its running sum less the entries that left the
-- window. When prune is true they are removed and the sum written back (admit, as that version did,
-- so that each call finds only the entries that left since the last); standings only reads.
local function tpmSum(zkey, skey, prune)
    local sum = tonumber(countAt(skey))
    local gone = call('ZRANGEBYSCORE', zkey, '-inf', cutoff)
    if #gone == 0 then
        return sum
    end
    for _, member in ipairs(gone) do
        sum = sum - tokensOf(member)
    end
    if prune then
        redis.call('ZREMRANGEBYSCORE', zkey, '-inf', cutoff)
        if redis.call('EXISTS', zkey) == 0 or sum <= 0 then
            sum = 0
            redis.call('DEL', skey)
        else
            redis.call('SET', skey, sum, 'KEEPTTL')
        end
    end
    return math.max(0, sum)
end

-- How long until a window is whole again: its newest entry leaves it; 0 when it is empty.
local function resetAfter(zkey)
    local newest = call('ZRANGE', zkey, -1, -1, 'WITHSCORES')
    if #newest == 0 or tonumber(newest[2]) <= cutoff then
        return 0
    end
    return math.max(0, tonumber(newest[2]) + WINDOW - now)
end


-- Counted windows (decision 44). A party's rpm and tpm windows are one hash of one-second buckets:
-- 'r<second>' requests admitted and 't<second>' tokens of calls ended in that second of Redis's
-- clock, their running totals 'r' and 't', the newest second that wrote each ('rn', 'tn'), and 'h',
-- the second up to which buckets that left the window were taken off the totals. A bucket counts
-- while it is one of the last 61 seconds (the current one included), so an entry counts for 60 to
-- 61 s: never less than the rolling 60 s (no more than rpm requests in any 60 s are admitted), at
-- most a second longer. Every step reads and writes a few fields, whatever the window holds.
local SECOND = 1000
local SPAN = 60
local second = math.floor(now / SECOND)
local oldest = second - SPAN
-- Written at the first write of each second: outlives the newest bucket's last second that counts.
local WINDOW_TTL = (SPAN + 2) * SECOND

-- A window of a party, with the buckets that left it since it was last written taken off its
-- totals; the bucket of this second named by kind ('r' or 't') is read as 'current'. left lists the
-- fields to delete when the window is written next (all of them: 'all').
local function windowAt(key, kind)
    local v = call('HMGET', key, 'h', 'r', 't', 'rn', 'tn', kind .. second)
    local w = { key = key, h = tonumber(v[1]), r = tonumber(v[2]) or 0, t = tonumber(v[3]) or 0,
                rn = tonumber(v[4]), tn = tonumber(v[5]), current = tonumber(v[6]) or 0, left = nil }
    if v[1] and not w.h then
        checkKeys(expectedKinds)
        error({ err = 'WRONGTYPE key ' .. key .. ' is not the window this version writes' })
    end
    if not w.h or w.h >= second then
        return w
    end
    if w.h + 1 < oldest then
        -- Every bucket it counted has left the window (the one after h too: admit.lua may count
        -- requests admitted ahead in the second after the one it writes).
        w.r, w.t, w.left = 0, 0, 'all'
        return w
    end
    -- Buckets h-60 .. second-61 counted at h and no longer now.
    local fields = {}
    for b = w.h - SPAN, oldest - 1 do
        table.insert(fields, 'r' .. b)
        table.insert(fields, 't' .. b)
    end
    local gone = call('HMGET', key, unpack(fields))
    for f = 1, #fields, 2 do
        w.r = w.r - (tonumber(gone[f]) or 0)
        w.t = w.t - (tonumber(gone[f + 1]) or 0)
    end
    w.left = fields
    return w
end

-- Writes a window read by windowAt: its totals, this second's bucket of kind ('r' or 't') at
-- current, and the buckets that left it deleted; the first write of a second sets the TTL.
local function writeWindow(w, kind)
    if w.left == 'all' then
        redis.call('DEL', w.key)
    elseif w.left then
        redis.call('HDEL', w.key, unpack(w.left))
    end
    if w.h == second then
        -- Within the second it last wrote: only this kind's total, bucket and newest second change.
        if w[kind .. 'n'] == second then
            redis.call('HSET', w.key, kind, w[kind], kind .. second, w.current)
        else
            redis.call('HSET', w.key, kind, w[kind], kind .. second, w.current, kind .. 'n', second)
        end
        return
    end
    redis.call('HSET', w.key, 'h', second, 'r', w.r, 't', w.t, kind .. 'n', second, kind .. second, w.current)
    redis.call('PEXPIRE', w.key, WINDOW_TTL)
end

-- How long until the newest entry of a kind leaves the window (0 when it holds none).
local function windowReset(newest, total)
    if not newest or total <= 0 or newest < oldest then
        return 0
    end
    return (newest + SPAN + 1) * SECOND - now
end

-- How long until enough of a window's oldest buckets of a kind leave it for total to fall below
-- limit. Entries of an older version's window in total are taken to leave last (a minute at most).
local function windowRetry(w, kind, total, limit)
    local fields = {}
    -- Up to the next second: requests admitted ahead near a second's end count in it (admit.lua).
    for b = oldest, second + 1 do
        table.insert(fields, kind .. b)
    end
    local counts = call('HMGET', w.key, unpack(fields))
    local left = total
    for i = 1, #counts do
        left = left - (tonumber(counts[i]) or 0)
        if left < limit then
            return (oldest + i - 1 + SPAN + 1) * SECOND - now
        end
    end
    return SPAN * SECOND
end
