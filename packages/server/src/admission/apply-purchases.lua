-- Makes Redis show purchases that Postgres holds and Redis does not (a write that committed
-- although its request saw an error, or one that landed while the sale was being rebuilt).
-- Only ever raises what Redis counts as sold: it never lowers a counter from Postgres.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: groups of 7: code, purchase id, item, user, slot, expires_ms, request id
-- Returns: how many purchases were applied.
if redis.call('EXISTS', META) == 0 then
  return 0
end
local applied = 0
for i = 1, #ARGV, 7 do
  local code, pid, item, user, slot, expires, request_id =
    ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4]), ARGV[i + 5], ARGV[i + 6]
  if redis.call('HEXISTS', PURCHASED, code) == 0 and redis.call('HEXISTS', SOLD, item) == 0 then
    local held = redis.call('HGET', HOLDS, item)
    if held then
      release_hold(item, held)
    end
    redis.call('HDEL', CODES, code)
    local mask = tonumber(redis.call('HGET', OWNED, user) or '0')
    if not has_slot(mask, slot) then
      set_mask(user, mask + 2 ^ (slot - 1))
    end
    redis.call('HSET', SOLD, item, user)
    redis.call('HSET', PURCHASED, code, pid .. '|' .. item .. '|' .. user .. '|' .. slot .. '|' .. expires .. '|' .. request_id)
    applied = applied + 1
  end
end
return applied
