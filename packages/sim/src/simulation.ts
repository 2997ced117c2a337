// What a caller holds while a run goes on: progress events, a way to mark faults and to stop,
// and the report at the end. The engine (run/engine.ts) is behind it, with one process or several.
import type { EventEmitter } from 'node:events';
import type { SecondFigures } from './record/timeline.js';
import type { SimReport } from './report/types.js';

export type SimStart = Readonly<{
  runId: string;
  /** Epoch ms of the schedule's start. */
  startedAtMs: number;
  plannedDurationMs: number;
  plannedRequests: number;
  saleSize: number;
  workers: number;
  /** --until-sellout: the run ends when the sale sells out (the duration only caps it). */
  stopsAtSellout: boolean;
}>;

export type SimTotals = Readonly<{
  scheduled: number;
  sent: number;
  done: number;
  late: number;
  dropped: number;
  errors: number;
  maxInFlight: number;
}>;

/** One second of the run, as it closes. */
export type SimTick = SecondFigures &
  Readonly<{
    elapsedMs: number;
    plannedDurationMs: number;
    /**
     * Items the buyers of one process have seen sold (bought, or answered sold_out): the most of
     * any process. Tells a sell-out from the answers when the target has no GET /sale.
     */
    itemsKnownSold: number;
    totals: SimTotals;
  }>;

export type StopReason = 'interrupted';

export type SimulationEvents = {
  start: [SimStart];
  tick: [SimTick];
  done: [SimReport];
};

export interface Simulation extends EventEmitter<SimulationEvents> {
  /** The report, once every request has answered (or timed out) and the outputs are written. */
  readonly done: Promise<SimReport>;
  /** Records a fault (e.g. "redis_restart") at this moment: in the ledger, the report and the timeline. */
  markFault(kind: string, detail?: string): void;
  /**
   * Ends the schedule now; in-flight requests still finish and `done` still resolves.
   * `interrupted`: a person cut the run short (Ctrl-C); the report says so.
   */
  stop(reason?: StopReason): void;
}
