// Response-time percentiles over time (from each request's intended send time, so a stall shows
// here rather than as a lower rate), on a log scale: p50, p99 and the maximum of each second
// (or of each bucket of seconds).
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec } from '../chart-spec.js';
import { bucketMiddles, type TimeBuckets, timeAxisLabel } from './time-buckets.js';
import { faultMarkers, saleOpeningMarkers } from './time-markers.js';

export function latencyOverTimeChart(sim: SimReport, time: TimeBuckets): ChartSpec {
  const buckets = time.buckets;
  return {
    id: 'chart-latency-over-time',
    xKind: 'seconds',
    xLabel: timeAxisLabel,
    yLabel: 'response time (ms, log)',
    yUnit: 'ms',
    isLogY: true,
    isStacked: false,
    xs: bucketMiddles(time),
    series: [
      { label: 'p50', color: '#1971c2', values: buckets.map((bucket) => bucket.p50Ms), widthPx: 2 },
      { label: 'p99', color: '#e8590c', values: buckets.map((bucket) => bucket.p99Ms), widthPx: 2 },
      { label: 'max', color: '#c92a2a', values: buckets.map((bucket) => bucket.maxMs), dashPx: [3, 3] },
    ],
    markers: [...faultMarkers(sim), ...saleOpeningMarkers(sim)],
  };
}
