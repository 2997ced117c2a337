// The HdrHistogram percentile curve of a set of encoded response-time histograms (µs), for plots:
// latency against percentile on the "nines" scale, where 90% is 1 nine, 99% 2, 99.9% 3. The
// histograms add up first, so the curve of several outcomes is the curve of their sum.
import { createHistogram, decodeHistogram, maxMs, percentileMs } from '../record/histograms.js';
import type { Milliseconds } from './types.js';

export type PercentilePoint = Readonly<{
  /** -log10(1 - percentile/100): 0 at 0%, 1 at 90%, 2 at 99%. */
  nines: number;
  percentile: number;
  latencyMs: Milliseconds;
}>;

export type PercentileCurve = Readonly<{
  count: number;
  /** Ascending in nines; the last point is the maximum, placed at the histogram's resolution. */
  points: readonly PercentilePoint[];
}>;

/** Points per nine: enough for a smooth line, few enough to keep a report page small. */
const defaultPointsPerNine = 20;

export function percentileCurve(
  encodedHistograms: readonly string[],
  pointsPerNine: number = defaultPointsPerNine,
): PercentileCurve {
  const histogram = createHistogram();
  for (const encoded of encodedHistograms) histogram.add(decodeHistogram(encoded));
  const count = histogram.totalCount;
  if (count === 0) return { count, points: [] };
  // Past log10(count) nines every percentile is the maximum: one recorded value is 1/count.
  const resolutionNines = Math.log10(count);
  const points: PercentilePoint[] = [];
  for (let step = 0; step / pointsPerNine < resolutionNines; step++) {
    const nines = step / pointsPerNine;
    const percentile = 100 * (1 - 10 ** -nines);
    points.push({ nines, percentile, latencyMs: percentileMs(histogram, percentile) ?? 0 });
  }
  points.push({ nines: resolutionNines, percentile: 100, latencyMs: maxMs(histogram) ?? 0 });
  return { count, points };
}
