-- settle, then admit, in one script: calls of the same parties that ended are settled (their places
-- given back, their tokens and spend counted, once per id) before the next request's limits are
-- checked, so that a settlement that waited after its answer costs no round trip of its own.
-- ARGV[1] how many of KEYS are the settlement's, ARGV[2] how many of the values after these two are
-- the settlement's: its keys and values come first (as settle.lua takes them, with its marker), then
-- the admission's (as admit.lua). Returns admit's reply. The admission reads its keys after the
-- settlement wrote: a key of another shape there fails the admission alone, and the error says that
-- the settlement counted (its id keeps it from counting twice when it is charged again).
local settleKeyCount = tonumber(ARGV[1])
local settleArgCount = tonumber(ARGV[2])
local settleKeys = { unpack(KEYS, 1, settleKeyCount) }
local settleArgs = { unpack(ARGV, 3, 2 + settleArgCount) }
local admitKeys = { unpack(KEYS, settleKeyCount + 1, #KEYS) }
local admitArgs = { unpack(ARGV, 3 + settleArgCount, #ARGV) }
expectedKinds = settleKinds(settleKeys, settleArgs) .. admitKinds(admitArgs)
settleCalls(settleKeys, settleArgs)
local admitted, reply = pcall(admitRequest, admitKeys, admitArgs)
if not admitted then
    local message = type(reply) == 'table' and reply.err or tostring(reply)
    return redis.error_reply(message .. ' (the admission changed nothing; the calls settled with it were counted)')
end
return reply
