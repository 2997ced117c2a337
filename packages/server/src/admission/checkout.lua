-- Checkout: checks sold / held / the buyer's limit and places the hold, in one step, for each of
-- a batch of checkouts of one sale (the checkouts of one event-loop turn), in the order given.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 most lapsed holds to sweep before refusing a buyer at the limit who has holds (no
--       other checkout sweeps: the reconciler does), 2 now (ms): the latest time of the batch's
--       checkouts (Redis decides them all at one moment, no sooner than any of them was asked),
--       then per checkout: user, item, new code
-- Returns one flat reply per checkout (no table per checkout: each costs Redis a reply to build):
--   expires_ms (an integer) for a new hold with the code given | 'expires_ms|code' (a string) for
--   the buyer's own live hold on the item, asked again | 'sold_out' | 'item_held' | 'user_limit'
--   | 'no_item' (item id outside the sale) | 'rebuild' (the sale's keys are missing)
-- One read of the sale's parameters for the batch; no meta means the keys are gone.
local meta = redis.call('HMGET', META, 'size', 'user_limit', 'hold_ttl_ms')
local size, limit, ttl = tonumber(meta[1]), tonumber(meta[2]), tonumber(meta[3])
local sweep_limit, now = tonumber(ARGV[1]), tonumber(ARGV[2])

local function checkout(user, item, code)
  if tonumber(item) >= size then
    return 'no_item'
  end
  if redis.call('HEXISTS', SOLD, item) == 1 then
    return 'sold_out'
  end
  local held = redis.call('HGET', HOLDS, item)
  if held then
    local _, holder, expires = parse_code(redis.call('HGET', CODES, held))
    if expires > now then
      if holder == user then
        return expires .. '|' .. held -- a refresh is not a second hold
      end
      return 'item_held'
    end
    release_hold(item, held)
  end

  local used = slots_used(tonumber(redis.call('HGET', OWNED, user) or '0'))
  if used >= limit then
    return 'user_limit'
  end
  -- Counts this checkout's hold at once: one call instead of a read and an increment.
  local holding = redis.call('HINCRBY', HELD, user, 1)
  if used + holding > limit and holding > 1 then
    -- Some of the buyer's holds may have lapsed and not been swept yet: they must not count.
    sweep(now, sweep_limit)
    holding = tonumber(redis.call('HGET', HELD, user))
  end
  if used + holding > limit then
    add_held(user, -1)
    return 'user_limit'
  end

  local expires = now + ttl
  redis.call('HSET', HOLDS, item, code)
  redis.call('ZADD', DEADLINES, expires, item)
  redis.call('HSET', CODES, code, item .. '|' .. user .. '|' .. expires)
  return expires
end

local replies = {}
for i = 3, #ARGV, 3 do
  if size == nil then
    replies[#replies + 1] = 'rebuild'
  else
    replies[#replies + 1] = checkout(ARGV[i], ARGV[i + 1], ARGV[i + 2])
  end
end
return replies
