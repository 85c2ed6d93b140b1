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
-- (call, countAt). kinds: 'z' a sorted set, 'n' a count (an integer as text), '-' not checked.
local function checkKeys(kinds)
    for i = 1, #KEYS do
        local kind = string.sub(kinds, i, i)
        if kind ~= '-' then
            local found = redis.call('TYPE', KEYS[i]).ok
            if found ~= 'none' then
                if kind == 'z' and found ~= 'zset' then
                    error({ err = 'WRONGTYPE key ' .. KEYS[i] .. ' is a ' .. found .. ', not the sorted set this '
                            .. 'version writes' })
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

-- The tokens in a tpm window: the running sum less the entries that left the window. When prune is
-- true they are removed and the sum written back (admit, settle); standings only reads.
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

