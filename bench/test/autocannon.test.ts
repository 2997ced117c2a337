import { describe, expect, it } from 'vitest';
import { parseAutocannonJson } from '../src/autocannon.js';

describe('autocannon -j output', () => {
  it('reads the mean req/s of its samples, the latencies and the failures, past any banner', () => {
    const json = {
      requests: { average: 14_210.5, total: 42_700, mean: 14_210.5 },
      latency: { p50: 6, p99: 19, max: 88, average: 6.5 },
      duration: 3.02,
      errors: 1,
      timeouts: 2,
      non2xx: 3,
    };
    expect(parseAutocannonJson(`Running 3s test @ http://127.0.0.1:1\n${JSON.stringify(json)}\n`)).toEqual({
      rps: 14_210.5,
      requests: 42_700,
      durationS: 3.02,
      latencyMs: { p50: 6, p99: 19, max: 88 },
      errors: 1,
      timeouts: 2,
      non2xx: 3,
    });
  });
});
