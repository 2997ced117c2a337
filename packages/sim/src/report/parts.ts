// A report before it is put into its file shape: counts with live (decoded) histograms, which
// both a finished run and a merge of several reports produce, and json.ts turns into a SimReport.
import type { Shard } from '../config/shard.js';
import type { Histogram } from '../record/histograms.js';
import type { LoopLagSummary } from '../record/loop-lag.js';
import type { SecondFigures } from '../record/timeline.js';
import type { FaultReport, ReportConfig } from './types.js';

export type OutcomeHistograms = { count: number; responseUs: Histogram; serviceUs: Histogram };

export type SaleParts = Readonly<{
  saleId: number | null;
  size: number;
  sizeSource: 'service' | 'option';
  sold: number | null;
  purchases: number;
  holds: number;
  holdsAbandoned: number;
  itemsWanted: number;
  firstSaleAtMs: number | null;
  lastSaleAtMs: number | null;
  soldOutAtMs: number | null;
  /** Items bought → buyer sessions. */
  itemsPerBuyer: ReadonlyMap<number, number>;
}>;

/**
 * One sale the run met (its answers named it, GET /sale showed it, or a request fell in its first
 * second). Times are epoch ms; the period is null when the service did not say.
 */
export type SalePeriodParts = Readonly<{
  saleId: number | null;
  startsAtMs: number | null;
  endsAtMs: number | null;
  size: number;
  /** Items sold per the last GET /sale reading of this sale; null when never read. */
  sold: number | null;
  /** When GET /sale first said this sale was sold out. */
  soldOutAtMs: number | null;
  purchases: number;
  holds: number;
  holdsAbandoned: number;
  itemsWanted: number;
  firstSaleAtMs: number | null;
  lastSaleAtMs: number | null;
  /** New purchases, µs after the sale opened (empty when the period is unknown). */
  purchaseAtUs: Histogram;
  /** Response times of requests intended in the sale's first second (when the run saw it open). */
  firstSecondUs: Histogram;
}>;

export type ReportParts = Readonly<{
  runId: string;
  shard: Shard | null;
  mergedFrom: number;
  config: ReportConfig;
  startedAtMs: number;
  endedAtMs: number;
  durationMs: number;
  scheduled: number;
  late: number;
  dropped: number;
  maxInFlight: number;
  /** `endpoint.outcome` → count and histograms. */
  outcomes: ReadonlyMap<string, OutcomeHistograms>;
  scheduleLagUs: Histogram;
  sendLagUs: Histogram;
  eventLoopLagMs: LoopLagSummary;
  timeline: readonly SecondFigures[];
  sale: SaleParts;
  /** Every sale the run met, oldest first. */
  sales: readonly SalePeriodParts[];
  faults: readonly FaultReport[];
  monitorRequests: number;
  /** Cut short by a person (Ctrl-C). */
  interrupted: boolean;
}>;
