-- The registry of running instances and the sale settings each runs with, in one hash:
-- field instance id, value "duration_ms|size|user_limit|hold_ttl_ms|seen_ms|label".
-- Registers (or refreshes) this instance unless a live one runs with other settings; entries not
-- refreshed since ARGV[4] are gone (their instance died) and are removed.
-- KEYS: 1 the registry
-- ARGV: 1 instance id, 2 "duration_ms|size|user_limit|hold_ttl_ms", 3 now (ms), 4 stale before (ms), 5 label
-- Returns: {} when registered, else the values of the live instances that disagree (not registered).
local entries = redis.call('HGETALL', KEYS[1])
local others = {}
for i = 1, #entries, 2 do
  local id, value = entries[i], entries[i + 1]
  local settings, seen = string.match(value, '^(%d+|%d+|%d+|%d+)|(%d+)|')
  if not seen or tonumber(seen) < tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[1], id)
  elseif id ~= ARGV[1] and settings ~= ARGV[2] then
    others[#others + 1] = value
  end
end
if #others > 0 then
  return others
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[5])
return others
