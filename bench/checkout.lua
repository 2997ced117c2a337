-- wrk script: checkouts by many distinct buyers over a large sale. Request n of a run is
-- BENCH_OFFSET + counter * threads + thread index; buyer and item come from n through
-- multiplications that are one-to-one modulo 10^k (the factors are odd and not multiples of 5),
-- so with BENCH_USERS = BENCH_ITEMS = the sale size no two requests of the whole bench share a
-- buyer or an item until n wraps. done() prints one JSON line for bench/wrk.mjs, including the
-- highest n sent, so the next run can start past it.
-- With BENCH_TARGETS (host:port,host:port,...) thread i sends to target i mod the count, so one wrk
-- run with one thread per target loads several service instances (bench/src/instances.ts).
-- counter and thread_index are globals: thread:set and thread:get only reach globals.
counter = 0
thread_index = 0
local users = tonumber(os.getenv('BENCH_USERS') or '1000000')
local items = tonumber(os.getenv('BENCH_ITEMS') or '1000000')
local offset = tonumber(os.getenv('BENCH_OFFSET') or '0')
local thread_count = tonumber(os.getenv('BENCH_THREADS') or '1')
local threads = {}
local targets = {}
for target in string.gmatch(os.getenv('BENCH_TARGETS') or '', '[^,]+') do
  table.insert(targets, target)
end

setup = function(thread)
  if #targets > 0 then
    local host, port = string.match(targets[(thread_index % #targets) + 1], '^(.+):(%d+)$')
    thread.addr = wrk.lookup(host, port)[1]
  end
  thread:set('thread_index', thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

request = function()
  local n = offset + counter * thread_count + thread_index
  counter = counter + 1
  local user = (n * 2654435761) % users
  local item = (n * 40503) % items
  return wrk.format('POST', '/checkout?user_id=b' .. user .. '&id=' .. item)
end

done = function(summary, latency, requests)
  local sent = 0
  for _, thread in ipairs(threads) do
    sent = math.max(sent, thread:get('counter'))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,' ..
      '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
      '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},' ..
      '"next_offset":%d}\n',
    summary.requests, summary.duration, summary.bytes, errors.status,
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean,
    offset + (sent + 1) * thread_count))
end
