// What the service batches (group commits, Redis script calls) is observed twice per batch: its
// size and how long it was out. Between two /metrics scrapes those two histograms give the figures
// both benchmarks report.
import { round } from './format.js';
import { histogramBetween, histogramQuantile, type Sample } from './prometheus.js';

export type BatchFigures = Readonly<{
  batches: number;
  batches_per_s: number | null;
  items: number;
  size_mean: number | null;
  size_p99: number | null;
  ms_mean: number | null;
  ms_p50: number | null;
  ms_p99: number | null;
  /** Summed time out over the window (%): the share of it with a batch in flight, if one at a time. */
  busy_share: number | null;
}>;

export type BatchMetrics = Readonly<{
  size: string;
  seconds: string;
  labels: Readonly<Record<string, string>>;
}>;

export function batchFigures(
  metricsBefore: readonly Sample[],
  metricsAfter: readonly Sample[],
  { size, seconds, labels }: BatchMetrics,
  windowS: number,
): BatchFigures {
  const sizes = histogramBetween(metricsBefore, metricsAfter, size, labels);
  const times = histogramBetween(metricsBefore, metricsAfter, seconds, labels);
  return {
    batches: sizes.count,
    batches_per_s: round(sizes.count / windowS, 0),
    items: sizes.sum,
    size_mean: round(sizes.sum / sizes.count),
    size_p99: round(histogramQuantile(0.99, sizes)),
    ms_mean: round((times.sum / times.count) * 1000),
    ms_p50: round(histogramQuantile(0.5, times) * 1000),
    ms_p99: round(histogramQuantile(0.99, times) * 1000),
    busy_share: round((times.sum / windowS) * 100, 0),
  };
}
