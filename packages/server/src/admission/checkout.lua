-- Checkout: checks sold / held / the buyer's limit and places the hold, in one step.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 user, 2 item, 3 new code, 4 now (ms), 5 most expired holds to sweep first
-- Returns: {'ok', code, expires_ms, is_new (1|0)} | {'sold_out'} | {'item_held'} | {'user_limit'}
--        | {'no_item'} (item id outside the sale) | {'rebuild'} (the sale's keys are missing)
-- One read of the sale's parameters; no meta means the keys are gone.
local meta = redis.call('HMGET', META, 'size', 'user_limit', 'hold_ttl_ms')
if not meta[1] then
  return { 'rebuild' }
end
local user, item, now = ARGV[1], ARGV[2], tonumber(ARGV[4])
if tonumber(item) >= tonumber(meta[1]) then
  return { 'no_item' }
end
sweep(now, tonumber(ARGV[5]))

if redis.call('HEXISTS', SOLD, item) == 1 then
  return { 'sold_out' }
end
local held = redis.call('HGET', HOLDS, item)
if held then
  local _, holder, expires = parse_code(redis.call('HGET', CODES, held))
  if expires > now then
    if holder == user then
      return { 'ok', held, expires, 0 } -- a refresh is not a second hold
    end
    return { 'item_held' }
  end
  release_hold(item, held)
end

local limit = tonumber(meta[2])
local mask = tonumber(redis.call('HGET', OWNED, user) or '0')
local holding = tonumber(redis.call('HGET', HELD, user) or '0')
if slots_used(mask) + holding >= limit then
  return { 'user_limit' }
end

local code = ARGV[3]
local expires = now + tonumber(meta[3])
redis.call('HSET', HOLDS, item, code)
redis.call('ZADD', DEADLINES, expires, item)
redis.call('HSET', CODES, code, item .. '|' .. user .. '|' .. expires)
add_held(user, 1)
return { 'ok', code, expires, 1 }
