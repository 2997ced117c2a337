import { describe, expect, it } from 'vitest';
import { nextSaleStartMs, saleIdAt, saleWindow } from '../src/sale-period.js';

const hourMs = 3_600_000;

describe('sale periods', () => {
  it.each([
    ['the first moment of a period', 10 * hourMs, hourMs, 10],
    ['its last millisecond', 11 * hourMs - 1, hourMs, 10],
    ['a period of whole seconds that is no divisor of an hour', 1_764_061_655_123, 7000, 252_008_807],
  ])('the sale id at %s', (_name, nowMs, saleDurationMs, saleId) => {
    expect(saleIdAt(nowMs, saleDurationMs)).toBe(saleId);
    const window = saleWindow(saleId, saleDurationMs);
    expect(window.startsAtMs).toBeLessThanOrEqual(nowMs);
    expect(window.endsAtMs).toBeGreaterThan(nowMs);
  });

  it('a sale window runs from its own start to the next sale start', () => {
    expect(saleWindow(10, hourMs)).toEqual({ saleId: 10, startsAtMs: 10 * hourMs, endsAtMs: 11 * hourMs });
  });

  it.each([
    ['inside a period', 10 * hourMs + 5, 11 * hourMs],
    ['at the start of one', 10 * hourMs, 11 * hourMs],
    ['at its last millisecond', 11 * hourMs - 1, 11 * hourMs],
  ])('the next period starts after the one running %s', (_name, nowMs, nextMs) => {
    expect(nextSaleStartMs(nowMs, hourMs)).toBe(nextMs);
  });
});
