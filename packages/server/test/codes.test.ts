import { describe, expect, it } from 'vitest';
import { codePattern, newCode, purchaseIdFor, saleIdOfCode } from '../src/sale/codes.js';

describe('checkout codes', () => {
  it('carry their sale id and 128 random bits in URL-safe base64', () => {
    const code = newCode(498_776);
    expect(code).toMatch(codePattern);
    expect(saleIdOfCode(code)).toBe(498_776);
    expect(Buffer.from(code.split('.')[1]!, 'base64url')).toHaveLength(16);
  });

  it('do not repeat over 100,000 draws', () => {
    const seen = new Set(Array.from({ length: 100_000 }, () => newCode(1)));
    expect(seen.size).toBe(100_000);
  });

  it('map to a stable UUID-shaped purchase id that differs per code', () => {
    const a = newCode(1);
    const b = newCode(1);
    expect(purchaseIdFor(a)).toBe(purchaseIdFor(a));
    expect(purchaseIdFor(a)).not.toBe(purchaseIdFor(b));
    expect(purchaseIdFor(a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each(['', '1', '1.', `x.${'A'.repeat(22)}`, `1.${'A'.repeat(23)}`, `1.${'A'.repeat(21)}=`])(
    '%j is malformed',
    (code) => {
      expect(saleIdOfCode(code)).toBeUndefined();
    },
  );
});
