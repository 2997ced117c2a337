import { describe, expect, it } from 'vitest';
import { commitFigures } from '../src/group-commit.js';
import { batchScrape } from './support/batch-scrape.js';

const names = {
  size: 'flashsale_group_commit_batch_rows',
  seconds: 'flashsale_group_commit_duration_seconds',
  label: 'table',
};
/** A scrape where attempt flushes so far: `flushes` of them, `rows` rows, `seconds` out in all. */
const scrape = (flushes: number, rows: number, seconds: number, under1ms: number) =>
  batchScrape(names, { size: 32, time: [0.001, 0.004] }, 'checkout_attempts', 'purchases', {
    batches: flushes,
    items: rows,
    seconds,
    underFirst: under1ms,
  });

describe("a window's group commits", () => {
  // In the window: 2,000 flushes of 40,000 rows, out 3 s in all; 1,500 of them under 1 ms.
  const before = scrape(500, 10_000, 1, 500);
  const after = scrape(2_500, 50_000, 4, 2_000);

  it('takes flushes, rows a trip and commit time over the window only, for the table asked', () => {
    expect(commitFigures(before, after, 'checkout_attempts', 10)).toEqual({
      batches: 2_000,
      batches_per_s: 200,
      rows: 40_000,
      rows_per_round_trip_mean: 20,
      rows_per_round_trip_p99: 31.68, // all in the first bucket (to 32): read from 0 up
      commit_ms_mean: 1.5,
      commit_ms_p50: 0.67, // rank 1,000 of the 1,500 under 1 ms
      commit_ms_p99: 3.88, // rank 1,980: 480 of the 500 between 1 and 4 ms
      flushing_share: 30, // 3 s of flushing in a 10 s window
    });
    expect(commitFigures(before, after, 'purchases', 10).batches).toBe(0);
  });
});
