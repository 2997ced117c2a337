-- Compensation for a checkout whose attempt could not be written: forgets the new hold and its code.
-- KEYS: the sale keys (see sale-lib.lua)
-- ARGV: 1 code
-- Returns: 1 when the hold was released, 0 when there was nothing to undo.
if redis.call('EXISTS', META) == 0 then
  return 0
end
local entry = redis.call('HGET', CODES, ARGV[1])
if not entry then
  return 0
end
local item = parse_code(entry)
local released = 0
if redis.call('HGET', HOLDS, item) == ARGV[1] then
  release_hold(item, ARGV[1])
  released = 1
end
redis.call('HDEL', CODES, ARGV[1])
return released
