import { describe, expect, it } from 'vitest';
import { parseWrkOutput } from '../src/wrk.js';

const output = `Running 3s test @ http://127.0.0.1:18181
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.11ms   14.81ms 214.42ms   96.08%
  41929 requests in 3.06s, 11.50MB read
  Non-2xx or 3xx responses: 12
Requests/sec:  13698.67
BENCH_JSON {"requests":41929,"duration_us":3060807,"bytes":12059790,"status_errors":12,"connect_errors":0,"read_errors":1,"write_errors":0,"timeouts":2,"latency_us":{"p50":3270,"p90":7324,"p99":78582,"p999":177362,"max":214422,"mean":6107.8},"next_offset":46904}
`;

describe('wrk output', () => {
  it('reads the figures of checkout.lua and the non-2xx count', () => {
    const figures = parseWrkOutput(output);
    expect(figures.requests).toBe(41929);
    expect(figures.rps).toBeCloseTo(41929 / 3.060807, 3);
    expect(figures.latencyMs).toMatchObject({ p50: 3.27, p99: 78.582, max: 214.422 });
    expect(figures.non2xx).toBe(12);
    expect(figures.socketErrors).toEqual({ connect: 0, read: 1, write: 0, timeout: 2 });
    expect(figures.nextOffset).toBe(46904);
  });

  it('refuses output without the BENCH_JSON line (another script, or wrk failed)', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/BENCH_JSON/);
  });
});
