// Items sold over time up to the sell-out: what the service's GET /sale said, the purchases
// acknowledged to the simulator, and the sale's size as the line they climb to.
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec, SeriesSpec } from '../chart-spec.js';
import { bucketEnds, type TimeBuckets, timeAxisLabel } from './time-buckets.js';
import { faultMarkers, saleOpeningMarkers, selloutMarker } from './time-markers.js';

export function itemsSoldChart(sim: SimReport, time: TimeBuckets): ChartSpec {
  const buckets = time.buckets;
  // Running totals start from nothing at the start of the run.
  const withStart = <T>(values: T[], start: T) => (buckets.length === 0 ? values : [start, ...values]);
  const series: SeriesSpec[] = [];
  if (buckets.some((bucket) => bucket.itemsSold !== null)) {
    series.push({
      label: 'sold (GET /sale)',
      color: '#2b8a3e',
      values: withStart(
        buckets.map((bucket) => bucket.itemsSold),
        0,
      ),
      widthPx: 2.5,
    });
  }
  series.push(
    {
      label: 'purchases acknowledged',
      color: '#1971c2',
      values: withStart(
        buckets.map((bucket) => bucket.purchases),
        0,
      ),
      widthPx: 1.5,
    },
    {
      label: 'sale size',
      color: '#868e96',
      values: withStart(
        buckets.map(() => sim.sale.size),
        sim.sale.size,
      ),
      widthPx: 1,
      dashPx: [6, 4],
    },
  );
  return {
    id: 'chart-items-sold',
    xKind: 'seconds',
    xLabel: timeAxisLabel,
    yLabel: 'items',
    yUnit: 'count',
    isLogY: false,
    isStacked: false,
    xs: withStart(bucketEnds(time), 0),
    series,
    markers: [...faultMarkers(sim), ...saleOpeningMarkers(sim), ...selloutMarker(sim)],
  };
}
