-- Shared by the sale scripts: when they are loaded, this header and the functions a script calls
-- (with those they call) are prepended to it; a function defined here must not be called before
-- the functions it calls are defined (they are kept in this file's order).
-- KEYS (the same order in every script):
--   1 meta  2 sold  3 holds  4 deadlines  5 codes  6 purchased  7 owned  8 held  9 pending
-- Formats: codes[code] = "item|user|expires_ms";
-- purchased[code] = "purchase_id|item|user|slot|expires_ms|request_id" (request id of the request that bought);
-- owned[user] = bit mask of purchase slots (slot s is bit s-1).
local META, SOLD, HOLDS, DEADLINES, CODES, PURCHASED, OWNED, HELD, PENDING =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]

local function parse_code(entry)
  local item, user, expires = string.match(entry, '^(%d+)|([^|]+)|(%d+)$')
  return item, user, tonumber(expires)
end

local function parse_purchase(entry)
  local pid, item, user, slot, expires, request_id = string.match(entry, '^([^|]+)|(%d+)|([^|]+)|(%d+)|(%d+)|?([^|]*)$')
  return pid, item, user, tonumber(slot), tonumber(expires), request_id
end

local function has_slot(mask, slot)
  return math.floor(mask / 2 ^ (slot - 1)) % 2 == 1
end

local function slots_used(mask)
  local n = 0
  while mask > 0 do
    n = n + mask % 2
    mask = math.floor(mask / 2)
  end
  return n
end

local function set_mask(user, mask)
  if mask == 0 then
    redis.call('HDEL', OWNED, user)
  else
    redis.call('HSET', OWNED, user, string.format('%d', mask))
  end
end

local function add_held(user, delta)
  if redis.call('HINCRBY', HELD, user, delta) <= 0 then
    redis.call('HDEL', HELD, user)
  end
end

-- Ends the live hold `code` on `item`; the code stays known (as lapsed) so a late purchase gets 410.
local function release_hold(item, code)
  redis.call('HDEL', HOLDS, item)
  redis.call('ZREM', DEADLINES, item)
  local entry = redis.call('HGET', CODES, code)
  if entry then
    local _, user = parse_code(entry)
    add_held(user, -1)
  end
end

-- Releases up to `limit` holds whose deadline has passed; returns how many.
local function sweep(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DEADLINES, '-inf', now, 'LIMIT', 0, limit)
  for i = 1, #due do
    local code = redis.call('HGET', HOLDS, due[i])
    if code then
      release_hold(due[i], code)
    else
      redis.call('ZREM', DEADLINES, due[i])
    end
  end
  return #due
end

