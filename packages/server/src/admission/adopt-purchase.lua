-- A purchase Redis admitted anew although Postgres already had it: its first admission was lost
-- with the keys while its write was in flight, the rebuild brought its code back as a live hold,
-- and a replay of the code bought it again, perhaps in another slot. Postgres' row wins: Redis
-- takes its entry, moves the buyer's bit to its slot and marks it durable.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 code, 2 the purchased entry as Postgres has it, 3 '1' when Postgres holds the slot Redis
--       gave for another purchase of the buyer (that bit then stays)
-- Returns: 1 when Redis now shows Postgres' row, 0 when it holds no purchase of the code.
if redis.call('EXISTS', META) == 0 then
  return 0
end
local code = ARGV[1]
local done = redis.call('HGET', PURCHASED, code)
if not done then
  return 0
end
local _, _, user, slot = parse_purchase(done)
local _, _, _, stored_slot = parse_purchase(ARGV[2])
if slot ~= stored_slot then
  local mask = tonumber(redis.call('HGET', OWNED, user) or '0')
  if has_slot(mask, slot) and ARGV[3] ~= '1' then
    mask = mask - 2 ^ (slot - 1)
  end
  if not has_slot(mask, stored_slot) then
    mask = mask + 2 ^ (stored_slot - 1)
  end
  set_mask(user, mask)
end
redis.call('HSET', PURCHASED, code, ARGV[2])
redis.call('ZREM', PENDING, code)
return 1
