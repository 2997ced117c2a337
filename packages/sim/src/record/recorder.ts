// Counts and latencies of a run, fed by the engine on the hot path: per endpoint and outcome
// (response time from the intended send, service time from the actual send), the generator's
// own lag, and the sale figures seen from the client side. Histograms are built once, up front
// or on an outcome's first answer, never per request.
import type { Endpoint } from '@flashsale/protocol';
import { createHistogram, type Histogram, recordUs } from './histograms.js';
import { isErrorOutcome, type OutcomeCode } from './outcomes.js';
import { type SecondContext, type SecondFigures, SecondWindow } from './timeline.js';

export type OutcomeStats = {
  count: number;
  readonly responseUs: Histogram;
  readonly serviceUs: Histogram;
};

export type SaleTally = {
  /** Checkouts answered 200 (a re-checkout of a held item counts again). */
  holds: number;
  /** New purchases acknowledged (200 without `replayed`). */
  purchases: number;
  /** Epoch ms of the first and last acknowledged new purchase. */
  firstSaleAtMs: number | null;
  lastSaleAtMs: number | null;
};

/** One sale's share of the run: its tally, and (when the sale period is known) its timings. */
export type SalePeriodTally = SaleTally & {
  /** When each new purchase was acknowledged, µs after the sale opened (period known), else empty. */
  readonly purchaseAtUs: Histogram;
  /** Response times of the requests intended in the sale's first second, when the run saw it open. */
  readonly firstSecondUs: Histogram;
};

export class Recorder {
  readonly outcomes: Record<Endpoint, Map<OutcomeCode, OutcomeStats>> = {
    checkout: new Map(),
    purchase: new Map(),
  };
  /** Dispatch time minus intended time: the generator's own lag (timers, CPU). */
  readonly scheduleLagUs = createHistogram();
  /** Write time minus intended time: adds the wait for a free connection. */
  readonly sendLagUs = createHistogram();
  readonly sale: SaleTally = { holds: 0, purchases: 0, firstSaleAtMs: null, lastSaleAtMs: null };
  /** Per sale id the answers named (null: answers that name none, from other implementations). */
  readonly sales = new Map<number | null, SalePeriodTally>();
  /** The sale period (GET /sale's start to end), or null when the service did not say; set before the start. */
  salePeriodMs: number | null = null;
  /** Epoch ms the schedule started: sales opening from then on have a measured first second. */
  startedAtEpochMs = Number.POSITIVE_INFINITY;
  readonly #lateAfterUs: number;
  readonly #window = new SecondWindow();
  scheduled = 0;
  sent = 0;
  done = 0;
  errors = 0;
  late = 0;
  dropped = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(lateAfterMs: number) {
    this.#lateAfterUs = lateAfterMs * 1000;
  }

  onScheduled(): void {
    this.scheduled += 1;
    this.#window.target += 1;
  }

  /** A slot that could not be filled (too many in flight), or a request never written before the end. */
  onDropped(): void {
    this.dropped += 1;
    this.#window.dropped += 1;
  }

  onDispatched(intendedMs: number, nowMs: number): void {
    recordUs(this.scheduleLagUs, (nowMs - intendedMs) * 1000);
    this.inFlight += 1;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  /** A dispatched request left without being written (cancelled at the end): it never existed. */
  onCancelled(): void {
    this.inFlight -= 1;
    this.onDropped();
  }

  onSent(intendedMs: number, sentMs: number): void {
    const lagUs = (sentMs - intendedMs) * 1000;
    recordUs(this.sendLagUs, lagUs);
    this.sent += 1;
    this.#window.sent += 1;
    if (lagUs > this.#lateAfterUs) {
      this.late += 1;
      this.#window.late += 1;
    }
  }

  /**
   * `sentMs` is null when the request failed before it was written; `doneEpochMs` dates sales,
   * `intendedEpochMs` places the request in a sale's first second; `saleId` is the answer's.
   */
  onDone(
    endpoint: Endpoint,
    outcome: OutcomeCode,
    intendedMs: number,
    sentMs: number | null,
    doneMs: number,
    doneEpochMs: number,
    intendedEpochMs: number,
    saleId: number | null,
  ): void {
    this.inFlight -= 1;
    this.done += 1;
    const isError = isErrorOutcome[outcome];
    if (isError) this.errors += 1;
    let stats = this.outcomes[endpoint].get(outcome);
    if (stats === undefined) {
      stats = { count: 0, responseUs: createHistogram(), serviceUs: createHistogram() };
      this.outcomes[endpoint].set(outcome, stats);
    }
    stats.count += 1;
    const responseUs = (doneMs - intendedMs) * 1000;
    recordUs(stats.responseUs, responseUs);
    if (sentMs !== null) recordUs(stats.serviceUs, (doneMs - sentMs) * 1000);
    this.#window.recordDone(outcome, responseUs, isError);
    if (this.salePeriodMs !== null) this.#recordFirstSecond(intendedEpochMs, responseUs);
    if (outcome === 'success') this.#tallySale(endpoint, doneEpochMs, saleId);
  }

  onFault(kind: string): void {
    this.#window.faults.push(kind);
  }

  closeSecond(
    second: number,
    atMs: number,
    context: Omit<SecondContext, 'inFlight' | 'purchases'>,
  ): SecondFigures {
    return this.#window.close(second, atMs, {
      ...context,
      inFlight: this.inFlight,
      purchases: this.sale.purchases,
    });
  }

  #tallySale(endpoint: Endpoint, doneEpochMs: number, saleId: number | null): void {
    const period = this.#saleTally(saleId);
    for (const tally of [this.sale, period]) {
      if (endpoint === 'checkout') {
        tally.holds += 1;
        continue;
      }
      tally.purchases += 1;
      tally.firstSaleAtMs ??= doneEpochMs;
      tally.lastSaleAtMs = doneEpochMs;
    }
    if (endpoint === 'purchase' && saleId !== null && this.salePeriodMs !== null)
      recordUs(period.purchaseAtUs, (doneEpochMs - saleId * this.salePeriodMs) * 1000);
  }

  /** A request intended in the first second of a sale that opened during the run. */
  #recordFirstSecond(intendedEpochMs: number, responseUs: number): void {
    const periodMs = this.salePeriodMs as number;
    const saleId = Math.floor(intendedEpochMs / periodMs);
    const opensAtMs = saleId * periodMs;
    if (intendedEpochMs - opensAtMs >= 1000 || opensAtMs < this.startedAtEpochMs) return;
    recordUs(this.#saleTally(saleId).firstSecondUs, responseUs);
  }

  #saleTally(saleId: number | null): SalePeriodTally {
    let tally = this.sales.get(saleId);
    if (tally === undefined) {
      tally = {
        holds: 0,
        purchases: 0,
        firstSaleAtMs: null,
        lastSaleAtMs: null,
        purchaseAtUs: createHistogram(),
        firstSecondUs: createHistogram(),
      };
      this.sales.set(saleId, tally);
    }
    return tally;
  }
}
