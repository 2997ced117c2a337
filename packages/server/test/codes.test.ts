import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codePattern, newCode, purchaseIdFor, saleIdOfCode } from '../src/sale/codes.js';

describe('checkout codes', () => {
  it('carry their sale id, the time in six base36 digits, and 128 random bits in URL-safe base64', () => {
    const nowMs = Date.UTC(2026, 11, 1, 12);
    const code = newCode(498_776, nowMs);
    expect(code).toMatch(codePattern);
    expect(saleIdOfCode(code)).toBe(498_776);
    const token = code.split('.')[1]!;
    expect(Number.parseInt(token.slice(0, 6), 36)).toBe(nowMs % 36 ** 6);
    expect(Buffer.from(token.slice(6), 'base64url')).toHaveLength(16);
  });

  it('issued later sort after those issued earlier (until the prefix wraps, every 25 days)', () => {
    const startMs = Date.UTC(2026, 11, 1, 12);
    const codes = Array.from({ length: 1000 }, (_, i) => newCode(7, startMs + i * 3));
    expect([...codes].sort()).toEqual(codes);
  });

  it('of the earlier shape, without the time, are still well-formed', () => {
    expect(saleIdOfCode(`12.${'A'.repeat(22)}`)).toBe(12);
  });

  it('do not repeat over 100,000 draws', () => {
    const nowMs = Date.now();
    const seen = new Set(Array.from({ length: 100_000 }, () => newCode(1, nowMs)));
    expect(seen.size).toBe(100_000);
  });

  it('map to a stable UUID-shaped purchase id that differs per code', () => {
    const a = newCode(1, Date.now());
    const b = newCode(1, Date.now());
    expect(purchaseIdFor(a)).toBe(purchaseIdFor(a));
    expect(purchaseIdFor(a)).not.toBe(purchaseIdFor(b));
    expect(purchaseIdFor(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('of the time-digit shape have purchase ids that begin with that time and sort with it', () => {
    const startMs = Date.UTC(2026, 11, 1, 12);
    const codes = Array.from({ length: 200 }, (_, i) => newCode(7, startMs + i * 5));
    const ids = codes.map(purchaseIdFor);
    expect([...ids].sort()).toEqual(ids);
    expect(Number.parseInt(ids[0]!.slice(0, 8), 16)).toBe(startMs % 36 ** 6);
    expect(new Set(ids).size).toBe(codes.length);
  });

  it('of the earlier shape keep the purchase id they had (a purchase in flight across an upgrade)', () => {
    const code = `12.${'Q'.repeat(22)}`;
    const h = createHash('sha256').update(code).digest('hex');
    expect(purchaseIdFor(code)).toBe(
      `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`,
    );
  });

  it.each([
    '',
    '1',
    '1.',
    `x.${'A'.repeat(22)}`,
    `1.${'A'.repeat(23)}`,
    `1.${'A'.repeat(21)}=`,
    `1.ABCDEF${'A'.repeat(22)}`, // a prefix is base36 digits
    `1.abcdef${'A'.repeat(21)}`,
  ])('%j is malformed', (code) => {
    expect(saleIdOfCode(code)).toBeUndefined();
  });
});
