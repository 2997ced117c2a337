import { describe, expect, it } from 'vitest';
import { HeldItems, heldItemSkipMs } from '../src/buyers/held-items.js';
import { ItemPicker } from '../src/buyers/popularity.js';
import { createRandom } from '../src/buyers/random.js';
import { SoldItems } from '../src/buyers/sold-items.js';
import { ReadyQueue } from '../src/schedule/ready-queue.js';
import { parseStages, plannedRequests, RateSchedule, type Stage } from '../src/schedule/stages.js';

function slots(stages: readonly Stage[], phase = 0): number[] {
  const schedule = new RateSchedule(stages, 1000, phase);
  const times: number[] = [];
  while (schedule.nextSlotMs !== Number.POSITIVE_INFINITY) {
    times.push(schedule.nextSlotMs);
    schedule.advance();
  }
  return times;
}

describe('the rate schedule', () => {
  it('spaces slots evenly at 1000/rps ms from the start', () => {
    const times = slots([{ durationMs: 1000, rps: 4 }]);
    expect(times).toEqual([1000, 1250, 1500, 1750]);
  });

  it('holds each stage rate for its duration, one after the other', () => {
    const times = slots(parseStages('1s:2,500ms:4') as Stage[]);
    expect(times).toEqual([1000, 1500, 2000, 2250]);
    expect(
      plannedRequests([
        { durationMs: 30_000, rps: 1000 },
        { durationMs: 60_000, rps: 5000 },
      ]),
    ).toBe(330_000);
  });

  it('interleaves workers evenly: worker w of W runs rps/W offset by w/W of its interval', () => {
    const whole = slots([{ durationMs: 1000, rps: 8 }]);
    const workers = [0, 1].flatMap((w) => slots([{ durationMs: 1000, rps: 4 }], w / 2));
    expect(workers.sort((a, b) => a - b)).toEqual(whole);
  });

  it('endAt stops handing out slots at and after that time', () => {
    const schedule = new RateSchedule([{ durationMs: 10_000, rps: 10 }], 0);
    schedule.endAt(250);
    const times: number[] = [];
    while (schedule.nextSlotMs !== Number.POSITIVE_INFINITY) {
      times.push(schedule.nextSlotMs);
      schedule.advance();
    }
    expect(times).toEqual([0, 100, 200]);
  });
});

describe('the ready queue', () => {
  it('gives back sessions in the order they become ready, and only once ready', () => {
    const queue = new ReadyQueue<string>();
    const readyAt = [50, 10, 40, 30, 20, 60, 0, 35];
    for (const time of readyAt) queue.push(time, `s${time}`);
    expect(queue.popReady(5)).toBe('s0');
    expect(queue.popReady(5)).toBeUndefined();
    const order: string[] = [];
    for (let item = queue.popReady(100); item !== undefined; item = queue.popReady(100)) order.push(item);
    expect(order).toEqual(['s10', 's20', 's30', 's35', 's40', 's50', 's60']);
  });
});

describe('sold items', () => {
  it('finds the unsold item of each rank as items sell', () => {
    const sold = new SoldItems(6);
    for (const item of [1, 2, 4]) sold.markSold(item);
    sold.markSold(2);
    expect(sold.unsoldCount).toBe(3);
    expect([0, 1, 2].map((rank) => sold.unsoldAt(rank))).toEqual([0, 3, 5]);
    sold.markSold(0);
    expect([sold.unsoldAt(0), sold.unsoldAt(1)]).toEqual([3, 5]);
    expect([sold.isSold(0), sold.isSold(3)]).toEqual([true, false]);
  });

  it('agrees with a plain list over a long random history', () => {
    const sold = new SoldItems(1000);
    const unsold = Array.from({ length: 1000 }, (_, item) => item);
    for (let step = 0; step < 990; step++) {
      const item = (step * 7919) % 1000;
      sold.markSold(item);
      const at = unsold.indexOf(item);
      if (at >= 0) unsold.splice(at, 1);
    }
    expect(sold.unsoldCount).toBe(unsold.length);
    expect(unsold.map((_, rank) => sold.unsoldAt(rank))).toEqual(unsold);
  });
});

describe('the item picker', () => {
  const pickMany = (picker: ItemPicker, count: number, nowMs = 0) => {
    const random = createRandom(1, 1);
    return Array.from({ length: count }, () => picker.pick(random, nowMs));
  };

  it('never picks an item known sold while others are left, and favours popular ones under Zipf', () => {
    const sold = new SoldItems(100);
    for (let item = 0; item < 50; item++) sold.markSold(item);
    const picks = pickMany(
      new ItemPicker(100, { kind: 'zipf', exponent: 1 }, sold, new HeldItems(100)),
      2000,
    );
    expect(picks.every((item) => item >= 50)).toBe(true);
    const head = picks.filter((item) => item < 60).length;
    expect(head).toBeGreaterThan(picks.length / 2);
  });

  it('passes over items known held (redrawing a few times) while they are held', () => {
    const held = new HeldItems(10);
    for (let item = 0; item < 5; item++) held.markHeld(item, 0);
    const picker = new ItemPicker(10, { kind: 'uniform' }, new SoldItems(10), held);
    const whileHeld = pickMany(picker, 1000, 1000);
    // A pick lands on a held item only when 8 draws in a row do: 0.5^8 of the time.
    expect(whileHeld.filter((item) => item < 5).length).toBeLessThan(20);
    const afterwards = pickMany(picker, 1000, 1000 + heldItemSkipMs);
    expect(afterwards.filter((item) => item < 5).length).toBeGreaterThan(400);
  });

  it('still picks something once everything is sold, so the rate holds after a sell-out', () => {
    const sold = new SoldItems(5);
    for (let item = 0; item < 5; item++) sold.markSold(item);
    const picks = pickMany(new ItemPicker(5, { kind: 'zipf', exponent: 1 }, sold, new HeldItems(5)), 50);
    expect(picks.every((item) => item >= 0 && item < 5)).toBe(true);
  });
});
