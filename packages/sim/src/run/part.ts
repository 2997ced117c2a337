// A share of a run's schedule: all of it in this process (local-part.ts), or 1/N of it in one
// of N worker processes (worker-part.ts). The engine drives its parts the same way whatever
// runs them; they send load and count it, and the engine does everything else once.

import type { ReportParts } from '../report/parts.js';
import type { FaultReport } from '../report/types.js';
import type { SimTick } from '../simulation.js';

export interface SchedulePart {
  /** How long before the start a part must be given the start moment to wake for its first slot. */
  readonly startLeadMs: number;
  /** Resolves once the part can start at once (warmed up, ledger and connections open). */
  readonly ready: Promise<void>;
  /**
   * The part's figures, once its schedule has ended and its requests answered (or timed out).
   * The sale figures in them (size, sold, sold out) are the engine's to fill in.
   */
  readonly done: Promise<ReportParts>;
  /** Starts the schedule at this epoch ms (its slots count from there); only the first call counts. */
  start(startAtEpochMs: number): void;
  /** Ends the schedule now; in-flight requests still finish and `done` still resolves. */
  stop(): void;
  /** Records a fault in the ledger, the figures and the timeline. */
  markFault(fault: FaultReport): void;
  /** Ends the part whatever it was doing (the run failed elsewhere); resolves once it is gone. */
  abort(): Promise<void>;
}

export type PartSetup = Readonly<{
  /** Offset of this part's slots, as a share of its slot interval (part w of W: w / W). */
  phase: number;
  /**
   * The sale, once the engine has read it (and emptied the ledger): its size is what buyers choose
   * from. A part warms up meanwhile; it opens the ledger and its connections after.
   */
  sale: Promise<PartSale>;
}>;

/** What a part is told of the sale before the start. */
export type PartSale = Readonly<{
  size: number;
  /** The sale on at the start, or null when GET /sale did not say. */
  saleId: number | null;
  /** The sale period (each sale's length), or null when GET /sale did not say. */
  periodMs: number | null;
}>;

export type TickListener = (tick: SimTick) => void;
