// Request rate over time: what the open-loop schedule intended, what was sent and what was
// answered per second; errors and dropped slots when there were any.
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec, SeriesSpec } from '../chart-spec.js';
import { bucketMiddles, type TimeBuckets, timeAxisLabel } from './time-buckets.js';
import { faultMarkers, saleOpeningMarkers } from './time-markers.js';

export function requestRateChart(sim: SimReport, time: TimeBuckets): ChartSpec {
  const buckets = time.buckets;
  // The target goes last, so its dashes stay visible on top of a schedule that was kept.
  const series: SeriesSpec[] = [
    { label: 'sent', color: '#1971c2', values: buckets.map((bucket) => bucket.sent), widthPx: 2.5 },
    { label: 'answered', color: '#2b8a3e', values: buckets.map((bucket) => bucket.done), widthPx: 1.5 },
  ];
  if (sim.errors > 0)
    series.push({ label: 'errors', color: '#e03131', values: buckets.map((bucket) => bucket.errors) });
  if (sim.dropped > 0)
    series.push({ label: 'dropped', color: '#f08c00', values: buckets.map((bucket) => bucket.dropped) });
  series.push({
    label: 'target',
    color: '#495057',
    values: buckets.map((bucket) => bucket.target),
    widthPx: 1.5,
    dashPx: [5, 4],
  });
  return {
    id: 'chart-request-rate',
    xKind: 'seconds',
    xLabel: timeAxisLabel,
    yLabel: 'requests per second',
    yUnit: 'per_second',
    isLogY: false,
    isStacked: false,
    xs: bucketMiddles(time),
    series,
    markers: [...faultMarkers(sim), ...saleOpeningMarkers(sim)],
  };
}
