// The progress a run shows is toward what ends it: items sold of the sale with --until-sellout
// (a sell-out at 42 s of a 120 s cap fills the bar), the planned duration otherwise; and a
// terminal with no width gets the plain lines instead of the live view.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type SimReport, type SimStart, type SimTick, type Simulation, startProgress } from '../src/index.js';
import { formatTickLine } from '../src/report/plain.js';
import { progressToward } from '../src/report/progress-goal.js';
import type { SimulationEvents } from '../src/simulation.js';

class ScriptedSimulation extends EventEmitter<SimulationEvents> implements Simulation {
  readonly done: Promise<SimReport>;
  finish: () => void = () => undefined;
  constructor() {
    super();
    this.done = new Promise((resolve) => {
      this.finish = () => resolve({} as SimReport);
    });
  }
  markFault(): void {}
  stop(): void {}
}

function terminal(columns: number | undefined): NodeJS.WriteStream & { text(): string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { columns, rows: 40, isTTY: true, text: () => written });
  return stream;
}

const untilSellout: SimStart = {
  runId: 'sellout1',
  startedAtMs: 0,
  plannedDurationMs: 120_000,
  plannedRequests: 240_000,
  saleSize: 10_000,
  workers: 1,
  stopsAtSellout: true,
};
const forDuration: SimStart = { ...untilSellout, runId: 'duration', stopsAtSellout: false };

function tickAt(elapsedMs: number, itemsSold: number | null, purchases = 0): SimTick {
  return {
    second: Math.floor(elapsedMs / 1000) - 1,
    atMs: elapsedMs,
    target: 2000,
    sent: 2000,
    done: 2000,
    late: 0,
    dropped: 0,
    errors: 0,
    inFlight: 3,
    p50Ms: 2,
    p99Ms: 9,
    maxMs: 12,
    outcomes: { success: 100 },
    purchases,
    itemsSold,
    eventLoopLagP99Ms: 1,
    faults: [],
    histogram: '',
    elapsedMs,
    itemsKnownSold: 0,
    plannedDurationMs: 120_000,
    totals: { scheduled: 1, sent: 1, done: 1, late: 0, dropped: 0, errors: 0, maxInFlight: 3 },
  };
}

describe('progress toward what ends the run', () => {
  it.each([
    [
      'until sell-out, 4,000 of 10,000 sold at 12 s',
      untilSellout,
      tickAt(12_000, 4000),
      0.4,
      '12s, sold 4000/10000',
    ],
    [
      'until sell-out, sold out at 42 s of a 120 s cap',
      untilSellout,
      tickAt(42_000, 10_000),
      1,
      '42s, sold 10000/10000',
    ],
    [
      'until sell-out, before GET /sale answered: this run’s purchases',
      untilSellout,
      tickAt(1000, null, 150),
      0.015,
      '1s, sold 150/10000',
    ],
    ['until sell-out, before the first second', untilSellout, null, 0, '0s, sold 0/10000'],
    ['for a duration, 30 s of 120 s', forDuration, tickAt(30_000, 4000), 0.25, '30s/120s'],
  ])('%s', (_name, start, tick, share, text) => {
    const goal = progressToward(start, tick);
    expect(goal.share).toBeCloseTo(share, 6);
    expect(goal.text).toBe(text);
  });

  it('says what ends a sell-out run, and nothing more for a duration', () => {
    expect(progressToward(untilSellout, null).endsWhen).toBe('until sell-out, at most 120s');
    expect(progressToward(forDuration, null).endsWhen).toBe('');
  });

  it('the plain line leads with the same progress', () => {
    expect(formatTickLine(tickAt(42_000, 10_000), untilSellout)).toMatch(
      /^\[42s, sold 10000\/10000\] target=2000\/s/,
    );
  });

  it('the live view draws the bar from items sold until sell-out', async () => {
    const simulation = new ScriptedSimulation();
    const output = terminal(120);
    const view = await startProgress(simulation, 'live', output);
    simulation.emit('start', untilSellout);
    simulation.emit('tick', tickAt(42_000, 10_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    simulation.finish();
    await view.finished;
    expect(output.text()).toContain(`${'█'.repeat(40)} 42s, sold 10000/10000 (until sell-out, at most 120s)`);
  });

  it.each([0, undefined, 20])(
    'a terminal %s columns wide gets plain lines instead of the live view',
    async (columns) => {
      const simulation = new ScriptedSimulation();
      const output = terminal(columns);
      const view = await startProgress(simulation, 'live', output);
      simulation.emit('start', untilSellout);
      simulation.emit('tick', tickAt(2000, 300));
      simulation.finish();
      await view.finished;
      expect(output.text().split('\n')).toEqual([
        'simulating run sellout1 until the sale of 10000 sells out (at most 240000 requests over 120s)',
        expect.stringMatching(/^\[2s, sold 300\/10000\] target=2000\/s/),
        '',
      ]);
    },
  );
});
