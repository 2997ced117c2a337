// The wrk request numbers of one sale: each run starts past the last; they wrap before every item
// is held, and say so from then on. And how many checkout configurations share a sale.
import { describe, expect, it } from 'vitest';
import { benchSaleSize, settingsByMode } from '../src/modes.js';
import { configurationsPerSale } from '../src/server-checkout.js';
import { newOffsets } from '../src/session.js';

describe('newOffsets', () => {
  it('starts each run past the last, 1,000 numbers on', () => {
    const offsets = newOffsets(1_000_000);
    expect(offsets.takeOffset()).toBe(0);
    offsets.advanceOffset(300_000);
    expect(offsets.takeOffset()).toBe(301_000);
    expect(offsets.hasWrapped()).toBe(false);
  });

  it('wraps to 0 past 90 % of the sale and reports it from then on', () => {
    const offsets = newOffsets(1_000_000);
    offsets.advanceOffset(899_500);
    expect(offsets.takeOffset()).toBe(0);
    expect(offsets.hasWrapped()).toBe(true);
    offsets.advanceOffset(10_000);
    expect(offsets.hasWrapped()).toBe(true);
  });

  it('counts each sale on its own', () => {
    const first = newOffsets(1_000_000);
    first.advanceOffset(950_000);
    const second = newOffsets(1_000_000);
    expect([second.takeOffset(), second.hasWrapped()]).toEqual([0, false]);
  });
});

describe('configurationsPerSale', () => {
  it('gives each configuration of a full run a sale of its own', () => {
    expect(configurationsPerSale(settingsByMode.full, benchSaleSize)).toBe(1);
  });

  it("puts a quick run's three configurations on one sale", () => {
    expect(configurationsPerSale(settingsByMode.quick, benchSaleSize)).toBeGreaterThanOrEqual(3);
  });

  it('never gives less than one', () => {
    expect(configurationsPerSale({ rounds: 10, warmUpS: 60, measureS: 60 }, 1000)).toBe(1);
  });
});
