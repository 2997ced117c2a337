// Passes the parts' ticks on as one tick a second, once every part still running has closed
// that second: one part's second is already whole; several parts' seconds add up (report/merge.ts).
import { mergeSecond } from '../report/merge.js';
import type { SimTick, SimTotals } from '../simulation.js';

export class TickGather {
  readonly #ticks = new Map<number, SimTick[]>();
  readonly #emit: (tick: SimTick) => void;
  #running: number;

  constructor(parts: number, emit: (tick: SimTick) => void) {
    this.#running = parts;
    this.#emit = emit;
  }

  add(tick: SimTick): void {
    const ticks = this.#ticks.get(tick.second) ?? [];
    ticks.push(tick);
    this.#ticks.set(tick.second, ticks);
    this.#flush();
  }

  /** A part has ended: the seconds it will not close are whole without it. */
  partEnded(): void {
    this.#running -= 1;
    this.#flush();
  }

  #flush(): void {
    for (const [second, ticks] of [...this.#ticks].sort(([a], [b]) => a - b)) {
      if (ticks.length < this.#running && this.#running > 0) return;
      this.#ticks.delete(second);
      this.#emit(ticks.length === 1 ? ticks[0]! : mergeTicks(second, ticks));
    }
  }
}

function mergeTicks(second: number, ticks: readonly SimTick[]): SimTick {
  const first = ticks[0]!;
  return {
    ...mergeSecond(
      second,
      first.atMs,
      ticks,
      ticks.reduce((total, tick) => total + tick.purchases, 0),
    ),
    elapsedMs: Math.max(...ticks.map((tick) => tick.elapsedMs)),
    itemsKnownSold: Math.max(...ticks.map((tick) => tick.itemsKnownSold)),
    plannedDurationMs: first.plannedDurationMs,
    totals: addTotals(ticks.map((tick) => tick.totals)),
  };
}

/** Totals of processes running side by side; max in flight adds up to an upper bound. */
function addTotals(all: readonly SimTotals[]): SimTotals {
  const totals = { scheduled: 0, sent: 0, done: 0, late: 0, dropped: 0, errors: 0, maxInFlight: 0 };
  for (const each of all) {
    for (const key of Object.keys(totals) as (keyof SimTotals)[]) totals[key] += each[key];
  }
  return totals;
}
