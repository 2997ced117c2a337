// Percentiles of several encoded response-time histograms (µs) taken together, for a report
// reader that groups seconds of the timeline: the histograms add up, percentiles are read from
// the sum, never averaged.
import { createHistogram, decodeHistogram, summarizeMs } from '../record/histograms.js';
import type { LatencySummaryMs } from './types.js';

export function summarizeLatencies(encodedHistograms: readonly string[]): LatencySummaryMs {
  const histogram = createHistogram();
  for (const encoded of encodedHistograms) histogram.add(decodeHistogram(encoded));
  return summarizeMs(histogram);
}
