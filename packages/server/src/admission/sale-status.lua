-- The sale's counts after releasing lapsed holds.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 now (ms), 2 most expired holds to sweep
-- Returns: {size, sold, held, pending} | {'rebuild'}
if redis.call('EXISTS', META) == 0 then
  return { 'rebuild' }
end
sweep(tonumber(ARGV[1]), tonumber(ARGV[2]))
return {
  tonumber(redis.call('HGET', META, 'size')),
  redis.call('HLEN', SOLD),
  redis.call('HLEN', HOLDS),
  redis.call('ZCARD', PENDING),
}
