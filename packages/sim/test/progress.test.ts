import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type SimReport, type SimStart, type SimTick, type Simulation, startProgress } from '../src/index.js';
import type { SimulationEvents } from '../src/simulation.js';

class FakeSimulation extends EventEmitter<SimulationEvents> implements Simulation {
  readonly done: Promise<SimReport>;
  finish: (report: SimReport) => void = () => undefined;
  constructor() {
    super();
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }
  markFault(): void {}
  stop(): void {}
}

/** A terminal-like stream that keeps what was written. */
function captureStream(): NodeJS.WriteStream & { text(): string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.toString();
      callback();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(stream, { columns: 120, rows: 40, isTTY: true, text: () => written });
  return stream;
}

const start: SimStart = {
  runId: 'abcd1234',
  startedAtMs: 0,
  plannedDurationMs: 10_000,
  plannedRequests: 10_000,
  saleSize: 100,
  workers: 1,
  stopsAtSellout: false,
};

const tick: SimTick = {
  second: 2,
  atMs: 2000,
  target: 1000,
  sent: 998,
  done: 990,
  late: 3,
  dropped: 0,
  errors: 1,
  inFlight: 12,
  p50Ms: 1.5,
  p99Ms: 7.25,
  maxMs: 9,
  outcomes: { success: 700, sold_out: 289, timeout: 1 },
  purchases: 40,
  itemsSold: 42,
  eventLoopLagP99Ms: 1,
  faults: [],
  histogram: '',
  elapsedMs: 3000,
  itemsKnownSold: 0,
  plannedDurationMs: 10_000,
  totals: { scheduled: 3000, sent: 2998, done: 2980, late: 3, dropped: 0, errors: 1, maxInFlight: 30 },
};

describe('progress views', () => {
  it('plain mode writes a start line and one line per second', async () => {
    const simulation = new FakeSimulation();
    const output = captureStream();
    const view = await startProgress(simulation, 'plain', output);
    simulation.emit('start', start);
    simulation.emit('tick', tick);
    simulation.finish({} as SimReport);
    await view.finished;
    expect(output.text().split('\n')).toEqual([
      'simulating run abcd1234: 10000 requests over 10s, sale of 100',
      '[3s/10s] target=1000/s sent=998/s done=990/s in_flight=12 p50=1.5ms p99=7.25ms late=3 dropped=0 errors=1' +
        ' purchases=40 sold=42 | success=700 sold_out=289 timeout=1',
      '',
    ]);
  });

  it('live mode draws progress, rates, latencies, outcomes and items sold with ink, and lets go at the end', async () => {
    const simulation = new FakeSimulation();
    const output = captureStream();
    const view = await startProgress(simulation, 'live', output);
    simulation.emit('start', start);
    simulation.emit('tick', tick);
    await new Promise((resolve) => setTimeout(resolve, 100));
    simulation.finish({} as SimReport);
    await view.finished;
    const screen = output.text();
    expect(screen).toContain('run abcd1234');
    expect(screen).toContain('3s/10s');
    expect(screen).toContain('rate: target 1000/s, sent 998/s, done 990/s · in flight 12 (max 30)');
    expect(screen).toContain('last second: p50 1.5ms, p99 7.25ms, max 9ms');
    expect(screen).toContain('outcomes: success 700 · sold_out 289 · timeout 1');
    expect(screen).toContain('items sold: 42 of 100');
  });

  it('none mode writes nothing', async () => {
    const simulation = new FakeSimulation();
    const output = captureStream();
    const view = await startProgress(simulation, 'none', output);
    simulation.emit('start', start);
    simulation.emit('tick', tick);
    simulation.finish({} as SimReport);
    await view.finished;
    expect(output.text()).toBe('');
  });
});
