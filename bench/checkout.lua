-- wrk script: checkouts by many distinct buyers over a large sale. Each request picks a buyer
-- and an item from a counter spread by a multiplicative hash, so few requests collide.
local counter = 0
local users = tonumber(os.getenv('BENCH_USERS') or '100000')
local items = tonumber(os.getenv('BENCH_ITEMS') or '1000000')
local thread_seed = 0

setup = function(thread)
  thread:set('thread_seed', thread_seed)
  thread_seed = thread_seed + 1
end

request = function()
  counter = counter + 1
  local n = counter * 8 + thread_seed
  local user = (n * 2654435761) % users
  local item = (n * 40503) % items
  return wrk.format('POST', '/checkout?user_id=b' .. user .. '&id=' .. item)
end
