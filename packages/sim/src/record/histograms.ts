// Every HdrHistogram of the simulator is built, encoded and summarised here, in microseconds.
// Histograms leave a run compressed and encoded, so runs merge by adding them, never by
// averaging percentiles. hdr-histogram-js is loaded on first use, so importing the package (for
// its option table, say) stays cheap.
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummaryMs } from '../report/types.js';

export type { Histogram };

type HdrLibrary = typeof import('hdr-histogram-js');

let library: HdrLibrary | null = null;
function hdr(): HdrLibrary {
  if (library === null) {
    library = createRequire(import.meta.url)('hdr-histogram-js') as HdrLibrary;
    widenFields(library);
  }
  return library;
}

/**
 * Records the largest value once into a throwaway histogram, before any other is built. A value
 * beyond V8's small integers (2^30 µs, about 18 minutes: a clamped value, or a purchase timed from
 * a sale that opened long before) turns the histogram's largest-value field into a double, and V8
 * then replaces the shape every histogram shares. In the middle of a run (the warm-up records no
 * such value) that threw away the compiled recording code, and every histogram still in the old
 * shape was migrated while the schedule ran. Done first, every histogram starts in the wide shape.
 */
function widenFields(hdrLibrary: HdrLibrary): void {
  const histogram = hdrLibrary.build(optionsOf('fine'));
  histogram.recordValue(highestTrackableUs);
  histogram.reset();
}

/** One hour in µs: the largest value kept; larger ones are clamped so recording never throws. */
const highestTrackableUs = 3_600_000_000;

/**
 * `fine` (3 significant digits) for the run's histograms; `coarse` (2 digits) for the per-second
 * ones of the timeline, which are many and only plotted.
 */
export function createHistogram(precision: 'fine' | 'coarse' = 'fine'): Histogram {
  return hdr().build(optionsOf(precision));
}

function optionsOf(precision: 'fine' | 'coarse') {
  return {
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: highestTrackableUs,
    numberOfSignificantValueDigits: precision === 'fine' ? 3 : 2,
    useWebAssembly: false,
  } as const;
}

export function recordUs(histogram: Histogram, valueUs: number): void {
  histogram.recordValue(
    valueUs < 1 ? 1 : valueUs > highestTrackableUs ? highestTrackableUs : Math.trunc(valueUs),
  );
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr().encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr().decodeFromCompressedBase64(encoded, 32, false);
}

/** Percentiles of a histogram of µs, in ms (3 decimals). All zero for an empty histogram. */
export function summarizeMs(histogram: Histogram): LatencySummaryMs {
  const isEmpty = histogram.totalCount === 0;
  const at = (percentile: number) => (isEmpty ? 0 : toMs(histogram.getValueAtPercentile(percentile)));
  return {
    count: histogram.totalCount,
    mean: isEmpty ? 0 : toMs(meanUs(histogram)),
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: isEmpty ? 0 : toMs(histogram.maxValue),
  };
}

/** What hdr-histogram-js keeps of its counts, read directly (see meanUs). */
type CountsView = Readonly<{
  countsArrayLength: number;
  maxValue: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
  countsArrayIndex(value: number): number;
}>;

/**
 * The mean of a histogram as its own `mean` computes it (each count at the middle of its bucket,
 * summed in bucket order), read straight from the counts array: its iterator costs tens of
 * milliseconds on a wide histogram, and a report takes a dozen means.
 */
export function meanUs(histogram: Histogram): number {
  if (histogram.totalCount === 0) return 0;
  const counts = histogram as unknown as CountsView;
  const lastIndex = Math.min(counts.countsArrayIndex(counts.maxValue), counts.countsArrayLength - 1);
  let total = 0;
  for (let index = 0; index <= lastIndex; index++) {
    const count = counts.getCountAtIndex(index);
    if (count !== 0) total += counts.medianEquivalentValue(counts.valueFromIndex(index)) * count;
  }
  return total / histogram.totalCount;
}

export function percentileMs(histogram: Histogram, percentile: number): number | null {
  return histogram.totalCount === 0 ? null : toMs(histogram.getValueAtPercentile(percentile));
}

export function maxMs(histogram: Histogram): number | null {
  return histogram.totalCount === 0 ? null : toMs(histogram.maxValue);
}

function toMs(valueUs: number): number {
  return Math.round(valueUs) / 1000;
}
