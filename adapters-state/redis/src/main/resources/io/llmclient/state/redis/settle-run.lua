-- settle on its own (settle.lua).
expectedKinds = settleKinds(KEYS, ARGV)
return settleCalls(KEYS, ARGV)
