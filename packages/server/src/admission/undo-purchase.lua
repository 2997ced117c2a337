-- Compensation for a purchase Postgres did not take: the item returns to its buyer's hold while
-- the hold lasts (so a retry can succeed), or to sale once it has lapsed. Its slot is freed unless
-- Postgres has another purchase of the buyer in it: after a rebuild that missed a purchase still
-- in flight, Redis can hand that slot out again; the missed purchase, once applied from Postgres,
-- owns it, and freeing it then would leave the buyer's mask short of a slot.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 code, 2 now (ms), 3 '1' when Postgres holds the purchase's slot for another purchase
-- Returns: 1 when the purchase was undone, 0 when there was nothing to undo.
if redis.call('EXISTS', META) == 0 then
  return 0
end
local code, now = ARGV[1], tonumber(ARGV[2])
local done = redis.call('HGET', PURCHASED, code)
if not done then
  return 0
end
local _, item, user, slot, expires = parse_purchase(done)
if redis.call('HGET', SOLD, item) == user then
  redis.call('HDEL', SOLD, item)
end
local mask = tonumber(redis.call('HGET', OWNED, user) or '0')
if has_slot(mask, slot) and ARGV[3] ~= '1' then
  set_mask(user, mask - 2 ^ (slot - 1))
end
redis.call('HDEL', PURCHASED, code)
redis.call('ZREM', PENDING, code)
redis.call('HSET', CODES, code, item .. '|' .. user .. '|' .. expires)
if expires > now and redis.call('HEXISTS', HOLDS, item) == 0 then
  redis.call('HSET', HOLDS, item, code)
  redis.call('ZADD', DEADLINES, expires, item)
  add_held(user, 1)
end
return 1
