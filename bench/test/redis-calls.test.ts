import { describe, expect, it } from 'vitest';
import { formatRedisCalls, redisCallFigures } from '../src/redis-calls.js';
import { batchScrape } from './support/batch-scrape.js';

const names = {
  size: 'flashsale_redis_call_inputs',
  seconds: 'flashsale_redis_call_duration_seconds',
  label: 'script',
};
/** A scrape where checkout calls so far: `calls` of them, `inputs` checkouts, `seconds` out in all. */
const scrape = (calls: number, inputs: number, seconds: number, under1ms: number) =>
  batchScrape(names, { size: 16, time: [0.001, 0.002] }, 'checkout', 'purchase', {
    batches: calls,
    items: inputs,
    seconds,
    underFirst: under1ms,
  });

describe("a window's Redis calls", () => {
  // In the window: 1,000 calls carrying 12,000 checkouts, out 0.8 s in all; 900 under 1 ms.
  const before = scrape(100, 1_000, 0.1, 100);
  const after = scrape(1_100, 13_000, 0.9, 1_000);

  it('takes calls, checkouts a call and time out over the window only, for the script asked', () => {
    expect(redisCallFigures(before, after, 'checkout', 10)).toEqual({
      calls: 1_000,
      calls_per_s: 100,
      inputs: 12_000,
      inputs_per_call_mean: 12,
      inputs_per_call_p99: 15.84, // all in the first bucket (to 16): read from 0 up, as histogram_quantile
      call_ms_mean: 0.8,
      call_ms_p99: 1.9, // rank 990 of 1,000: nine tenths into the 1-2 ms bucket
    });
    expect(redisCallFigures(before, after, 'purchase', 10).calls).toBe(0);
  });

  it('reads as the mean time out and checkouts a call', () => {
    expect(formatRedisCalls(redisCallFigures(before, after, 'checkout', 10))).toBe('0.80 ms (12 a call)');
  });
});
