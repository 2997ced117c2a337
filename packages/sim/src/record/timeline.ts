// The per-second view of a run: one window collects what happens during a second; closing it
// gives that second's figures (the `tick` event and one timeline entry) and starts the next.
import { createHistogram, encodeHistogram, maxMs, percentileMs, recordUs } from './histograms.js';
import { type OutcomeCode, outcomeCodes } from './outcomes.js';

export type OutcomeCounts = Partial<Record<OutcomeCode, number>>;

export type SecondFigures = Readonly<{
  /** Seconds since the run's start: this window covers [second, second + 1). */
  second: number;
  /** Epoch ms at which the second began. */
  atMs: number;
  /** Requests the schedule intended in this second. */
  target: number;
  sent: number;
  /** Answers (or failures) that arrived in this second. */
  done: number;
  late: number;
  dropped: number;
  errors: number;
  /** Requests outstanding when the second closed. */
  inFlight: number;
  /** Response time (from intended send) of the requests done in this second. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  outcomes: OutcomeCounts;
  /** New purchases acknowledged to this simulator so far. */
  purchases: number;
  /** Items sold as GET /sale last said, or null when the sale is not watched. */
  itemsSold: number | null;
  eventLoopLagP99Ms: number | null;
  /** Kinds of the faults marked during this second. */
  faults: readonly string[];
  /** Encoded HdrHistogram (µs) of this second's response times, so seconds of several runs merge. */
  histogram: string;
}>;

/** Figures known only when the second closes, from outside the window. */
export type SecondContext = Readonly<{
  inFlight: number;
  purchases: number;
  itemsSold: number | null;
  eventLoopLagP99Ms: number | null;
}>;

export class SecondWindow {
  target = 0;
  sent = 0;
  done = 0;
  late = 0;
  dropped = 0;
  errors = 0;
  readonly outcomes: Record<OutcomeCode, number> = zeroCounts();
  readonly responseUs = createHistogram('coarse');
  faults: string[] = [];

  recordDone(outcome: OutcomeCode, responseUs: number, isError: boolean): void {
    this.done += 1;
    this.outcomes[outcome] += 1;
    if (isError) this.errors += 1;
    recordUs(this.responseUs, responseUs);
  }

  /** Closes second `second` (which began at epoch `atMs`) and resets the window for the next. */
  close(second: number, atMs: number, context: SecondContext): SecondFigures {
    const outcomes: OutcomeCounts = {};
    for (const code of outcomeCodes) {
      if (this.outcomes[code] > 0) outcomes[code] = this.outcomes[code];
      this.outcomes[code] = 0;
    }
    const figures: SecondFigures = {
      second,
      atMs,
      target: this.target,
      sent: this.sent,
      done: this.done,
      late: this.late,
      dropped: this.dropped,
      errors: this.errors,
      inFlight: context.inFlight,
      p50Ms: percentileMs(this.responseUs, 50),
      p99Ms: percentileMs(this.responseUs, 99),
      maxMs: maxMs(this.responseUs),
      outcomes,
      purchases: context.purchases,
      itemsSold: context.itemsSold,
      eventLoopLagP99Ms: context.eventLoopLagP99Ms,
      faults: this.faults,
      histogram: encodeHistogram(this.responseUs),
    };
    this.target = 0;
    this.sent = 0;
    this.done = 0;
    this.late = 0;
    this.dropped = 0;
    this.errors = 0;
    this.faults = [];
    this.responseUs.reset();
    return figures;
  }
}

function zeroCounts(): Record<OutcomeCode, number> {
  return Object.fromEntries(outcomeCodes.map((code) => [code, 0])) as Record<OutcomeCode, number>;
}
