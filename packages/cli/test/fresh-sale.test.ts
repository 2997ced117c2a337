// `flashsale run` picks a sale period that starts within seconds and has not been used: the
// search must find one at any moment, not only at lucky ones.
import { describe, expect, it } from 'vitest';
import { pickFreshSale } from '../src/run/fresh-sale.js';

const query = (nowMs: number, taken: (id: number) => boolean = () => false) => ({
  nowMs,
  minDurationMs: 184_000,
  maxDurationMs: 184_000 + 86_400_000,
  maxWaitMs: 10_000,
  isTaken: async (id: number) => taken(id),
});

describe('pickFreshSale', () => {
  it('returns a period that starts soon, lasts long enough and whose id matches its start', async () => {
    const nowMs = Date.parse('2026-11-25T11:45:11.300Z');
    const fresh = await pickFreshSale(query(nowMs));
    expect(fresh).toBeDefined();
    expect(fresh!.startsAtMs - nowMs).toBeGreaterThanOrEqual(50);
    expect(fresh!.startsAtMs - nowMs).toBeLessThanOrEqual(10_000);
    expect(fresh!.saleDurationMs).toBeGreaterThanOrEqual(184_000);
    expect(fresh!.saleId * fresh!.saleDurationMs).toBe(fresh!.startsAtMs);
    expect(Math.floor((fresh!.startsAtMs + 1) / fresh!.saleDurationMs)).toBe(fresh!.saleId);
  });

  it('finds a period at every quarter second of a whole hour', async () => {
    const startMs = Date.parse('2026-11-25T11:00:00Z');
    const misses: number[] = [];
    for (let nowMs = startMs; nowMs < startMs + 3_600_000; nowMs += 250) {
      if ((await pickFreshSale(query(nowMs))) === undefined) misses.push(nowMs);
    }
    expect(misses).toEqual([]);
  });

  it('skips sale ids already taken', async () => {
    const nowMs = Date.parse('2026-11-25T11:45:11.300Z');
    const first = await pickFreshSale(query(nowMs));
    const second = await pickFreshSale(query(nowMs, (id) => id === first!.saleId));
    expect(second).toBeDefined();
    expect(second!.saleId).not.toBe(first!.saleId);
  });

  it('gives up when every candidate is taken', async () => {
    expect(await pickFreshSale(query(Date.parse('2026-11-25T11:45:11Z'), () => true))).toBeUndefined();
  });
});
