-- charge: spend charged while Redis did not answer (a replica failing open, or a settle that failed)
-- is added once per charge id: a charge sent again after its answer was lost changes nothing.
-- KEYS[1] the charge's marker; then per party, 4 keys: spend daily, weekly, monthly, total (the
--   periods holding the charge's time).
-- ARGV[1] cost (nano-dollars, as text), ARGV[2] how long the marker is kept (ms), ARGV[3..5] when the
--   daily, weekly and monthly spend keys expire (epoch ms; a period long over expires at once).
-- Checked before the marker is set: a charge refused for a foreign key is not marked as done.
checkKeys(kinds('-', 'nnnn', (#KEYS - 1) / 4))
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then
    return 0
end
for k = 2, #KEYS, 4 do
    for p = 0, 3 do
        redis.call('INCRBY', KEYS[k + p], ARGV[1])
        if p < 3 then
            redis.call('PEXPIREAT', KEYS[k + p], ARGV[3 + p])
        end
    end
end
return 1
