-- Purchase: validates the code and turns its hold into a sale, in one step, so a code can never
-- be redeemed twice, for each of a batch of purchases of one sale (those of one event-loop turn,
-- or of the last call's trip), in the order given, each as if alone: a code that comes twice is
-- bought by the first and replayed by the second. A purchase stays in `pending` until Postgres
-- has it.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: per purchase: code, purchase id, now (ms), request id (no sweep here: the reconciler
--       sweeps lapsed holds, and the code's own lapsed hold is released below)
-- Returns one reply per purchase, flat but for the rare replay (a table per reply costs Redis one
-- to build): the purchased entry written (see sale-lib.lua; admitted now, pending) for a new
-- purchase | {entry, admitted_ms} for a code purchased before (admitted_ms 0: Postgres has it)
-- | 'unknown_code' | 'code_expired' | 'user_limit' | 'rebuild' (the sale's keys are missing)
-- One read of the sale's parameters for the batch; no meta means the keys are gone.
local limit = tonumber(redis.call('HGET', META, 'user_limit'))

local function purchase(code, purchase_id, now, request_id)
  local done = redis.call('HGET', PURCHASED, code)
  if done then
    return { done, tonumber(redis.call('ZSCORE', PENDING, code) or '0') }
  end

  local entry = redis.call('HGET', CODES, code)
  if not entry then
    return 'unknown_code'
  end
  local item, user, expires = parse_code(entry)
  local is_live_hold = redis.call('HGET', HOLDS, item) == code
  if expires <= now or not is_live_hold then
    if is_live_hold then
      release_hold(item, code)
    end
    return 'code_expired'
  end

  local mask = tonumber(redis.call('HGET', OWNED, user) or '0')
  local slot = nil
  for s = 1, limit do
    if not has_slot(mask, s) then
      slot = s
      break
    end
  end
  if not slot then
    return 'user_limit' -- unreachable while holds count toward the limit; kept as a guard
  end

  release_hold(item, code)
  redis.call('HDEL', CODES, code)
  set_mask(user, mask + 2 ^ (slot - 1))
  redis.call('HSET', SOLD, item, user)
  local bought = purchase_id .. '|' .. item .. '|' .. user .. '|' .. slot .. '|' .. expires .. '|' .. request_id
  redis.call('HSET', PURCHASED, code, bought)
  redis.call('ZADD', PENDING, now, code)
  return bought
end

local replies = {}
for i = 1, #ARGV, 4 do
  if limit == nil then
    replies[#replies + 1] = 'rebuild'
  else
    replies[#replies + 1] = purchase(ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3])
  end
end
return replies
