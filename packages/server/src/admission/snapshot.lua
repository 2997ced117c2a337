-- A consistent snapshot of one sale's admission state, read in one atomic step (read-only).
-- KEYS: 1 meta  2 sold  3 holds  4 deadlines  5 codes  6 purchased  7 owned  8 held  9 pending
-- ARGV: none
-- Returns: {exists (1|0), meta, sold, holds, deadlines, owned, held, pending, purchased, hold_codes}
--   each a flat list as HGETALL / ZRANGE WITHSCORES give it; hold_codes lists, for every entry of
--   holds in the same order, codes[code] of its code ('' when the code is unknown).
local holds = redis.call('HGETALL', KEYS[3])
local hold_codes = {}
for i = 2, #holds, 2 do
  hold_codes[#hold_codes + 1] = redis.call('HGET', KEYS[5], holds[i]) or ''
end
return {
  redis.call('EXISTS', KEYS[1]),
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  holds,
  redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES'),
  redis.call('HGETALL', KEYS[7]),
  redis.call('HGETALL', KEYS[8]),
  redis.call('ZRANGE', KEYS[9], 0, -1, 'WITHSCORES'),
  redis.call('HGETALL', KEYS[6]),
  hold_codes,
}
