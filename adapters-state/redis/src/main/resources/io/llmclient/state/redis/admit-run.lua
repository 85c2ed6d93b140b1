-- admit on its own (admit.lua).
expectedKinds = admitKinds(ARGV)
return admitRequest(KEYS, ARGV)
