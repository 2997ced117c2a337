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
  faults: readonly FaultReport[];
  monitorRequests: number;
  /** Cut short by a person (Ctrl-C). */
  interrupted: boolean;
}>;
