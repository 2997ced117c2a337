// Attempt ids: version 7 UUIDs that only grow within a process, whatever its clock does, and that
// two processes starting in the same millisecond do not share.
import { describe, expect, it } from 'vitest';
import { attemptIds } from '../src/sale/attempt-ids.js';

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('attemptIds', () => {
  it('gives RFC 9562 version 7 UUIDs whose first 48 bits are the clock in ms', () => {
    const next = attemptIds(() => 0x0123456789ab);
    const id = next();
    expect(id).toMatch(v7);
    expect(id.slice(0, 13)).toBe('01234567-89ab');
  });

  it('ids of one generator grow in text order, in one ms, across ms and when the clock goes back', () => {
    const clock = [1000, 1000, 1000, 1001, 999, 999, 2000];
    let i = 0;
    const next = attemptIds(() => clock[Math.min(i++, clock.length - 1)]!);
    const ids = clock.map(() => next());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => v7.test(id))).toBe(true);
  });

  it('two generators on one millisecond give different ids', () => {
    const a = attemptIds(() => 5);
    const b = attemptIds(() => 5);
    const fromA = new Set(Array.from({ length: 1000 }, a));
    const fromB = Array.from({ length: 1000 }, b);
    expect(fromB.filter((id) => fromA.has(id))).toEqual([]);
  });
});
