import { describe, expect, it } from 'vitest';
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
  it('finds the next item not known sold, wrapping round, and -1 when all are', () => {
    const sold = new SoldItems(5);
    for (const item of [1, 2, 4]) sold.markSold(item);
    expect([0, 1, 2, 3, 4].map((item) => sold.nextUnsold(item))).toEqual([0, 3, 3, 3, 0]);
    sold.markSold(0);
    sold.markSold(3);
    expect(sold.nextUnsold(2)).toBe(-1);
    expect(sold.soldCount).toBe(5);
  });
});
