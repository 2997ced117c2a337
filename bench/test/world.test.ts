import { nextSaleStartMs } from '@flashsale/protocol';
import { describe, expect, it } from 'vitest';
import { createWorld, saleDurationFor } from '../src/world.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** A moment at which every candidate period (7, 6, 5, 3, 2, 1 days) starts anew: lcm 210 days. */
const allPeriodsStartMs = 210 * dayMs * 100;

describe('the sale period of a bench run', () => {
  it.each([
    ['an hour into a 7-day period', allPeriodsStartMs + 60 * minuteMs, 7],
    ['10 minutes before a 7-day period ends', 7 * dayMs * 1000 - 10 * minuteMs, 6],
    // 4242 days: a multiple of 7 and 6, not of 5.
    ['10 minutes before the 7- and 6-day periods end', 42 * dayMs * 101 - 10 * minuteMs, 5],
    ['10 minutes before every candidate period ends', allPeriodsStartMs - 10 * minuteMs, 7],
  ])('%s takes a period of %i days', (_, nowMs, days) => {
    expect(saleDurationFor(nowMs)).toBe(days * dayMs);
  });

  it('leaves at least 30 minutes before the period chosen ends, whenever one can', () => {
    for (let nowMs = allPeriodsStartMs - dayMs; nowMs < allPeriodsStartMs + dayMs; nowMs += 7 * minuteMs) {
      const durationMs = saleDurationFor(nowMs);
      const leftMs = nextSaleStartMs(nowMs, durationMs) - nowMs;
      if (nowMs < allPeriodsStartMs && nowMs >= allPeriodsStartMs - 30 * minuteMs) continue; // none can
      expect(leftMs).toBeGreaterThan(30 * minuteMs);
    }
  });

  it('names the database and the Redis prefix after one tag', () => {
    const world = createWorld(allPeriodsStartMs + minuteMs);
    const tag = /^flashsale_bench_([0-9a-f]{8})$/.exec(world.databaseName)?.[1];
    expect(tag).toBeDefined();
    expect(world.redisKeyPrefix).toBe(`flashsale_bench_${tag}:`);
    expect(world.databaseUrl.endsWith(`/${world.databaseName}`)).toBe(true);
    expect(world.saleDurationMs).toBe(7 * dayMs);
  });
});
