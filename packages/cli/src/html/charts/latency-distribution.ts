// The latency distribution of one endpoint: the HdrHistogram percentile curve of all its requests
// and of its most frequent outcomes, latency (ms, log) against percentile on the nines scale. The
// curves come from the report's encoded histograms, so they are exact to the histogram's precision
// and survive `report merge`.
import { type PercentileCurve, percentileCurve, type SimReport } from '@flashsale/sim';
import type { ChartSpec, SeriesSpec } from '../chart-spec.js';
import { styleOf } from './outcome-styles.js';

export type Endpoint = 'checkout' | 'purchase';

/** Outcome curves beyond these clutter the plot; the table lists every outcome. */
const maxOutcomeCurves = 5;
/** An outcome with fewer answers than this share of the endpoint's draws a curve of noise. */
const minOutcomeShare = 0.005;
const minOutcomeCount = 10;

export function latencyDistributionChart(sim: SimReport, endpoint: Endpoint): ChartSpec | null {
  const prefix = `${endpoint}.`;
  const histograms = Object.entries(sim.histograms.response_time_us)
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, encoded]) => ({ code: key.slice(prefix.length), encoded }));
  const all = percentileCurve(histograms.map((histogram) => histogram.encoded));
  if (all.count === 0) return null;
  const outcomes = histograms
    .map((histogram) => ({ code: histogram.code, curve: percentileCurve([histogram.encoded]) }))
    .filter((outcome) => outcome.curve.count >= Math.max(minOutcomeCount, all.count * minOutcomeShare))
    .sort((a, b) => b.curve.count - a.curve.count)
    .slice(0, maxOutcomeCurves);
  const curves = [
    { label: `all ${endpoint}`, color: '#1f2933', widthPx: 2.5, curve: all },
    ...outcomes.map((outcome) => ({
      label: styleOf(outcome.code).label,
      color: styleOf(outcome.code).color,
      widthPx: 1.25,
      curve: outcome.curve,
    })),
  ];
  const xs = [...new Set(curves.flatMap((entry) => entry.curve.points.map((point) => point.nines)))].sort(
    (a, b) => a - b,
  );
  const series: SeriesSpec[] = curves.map((entry) => ({
    label: entry.label,
    color: entry.color,
    values: valuesAt(xs, entry.curve),
    widthPx: entry.widthPx,
    spansGaps: true,
  }));
  return {
    id: `chart-latency-distribution-${endpoint}`,
    xKind: 'nines',
    xLabel: 'percentile',
    yLabel: 'response time (ms, log)',
    yUnit: 'ms',
    isLogY: true,
    isStacked: false,
    xs,
    series,
    markers: [],
  };
}

/** The curve's latencies at the shared x values; null where it has no point of its own. */
function valuesAt(xs: readonly number[], curve: PercentileCurve): (number | null)[] {
  const byNines = new Map(curve.points.map((point) => [point.nines, point.latencyMs]));
  return xs.map((nines) => byNines.get(nines) ?? null);
}
