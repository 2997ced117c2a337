// Answers per second, stacked by outcome code: successes at the bottom, errors on top. The series
// hold running sums (the legend shows each code's own count).
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec, SeriesSpec } from '../chart-spec.js';
import { orderCodes, styleOf } from './outcome-styles.js';
import { bucketMiddles, type TimeBuckets, timeAxisLabel } from './time-buckets.js';
import { faultMarkers, saleOpeningMarkers, selloutMarker } from './time-markers.js';

export function outcomesOverTimeChart(sim: SimReport, time: TimeBuckets): ChartSpec {
  const buckets = time.buckets;
  const codes = orderCodes(buckets.flatMap((bucket) => Object.keys(bucket.outcomes)));
  const runningSums = buckets.map(() => 0);
  const series: SeriesSpec[] = codes.map((code) => {
    const own = buckets.map((bucket) => bucket.outcomes[code] ?? 0);
    const style = styleOf(code);
    own.forEach((count, index) => {
      runningSums[index] = (runningSums[index] ?? 0) + count;
    });
    return {
      label: style.label,
      color: style.color,
      fill: style.fill,
      values: [...runningSums],
      ownValues: own,
      widthPx: 1,
    };
  });
  return {
    id: 'chart-outcomes-over-time',
    xKind: 'seconds',
    xLabel: timeAxisLabel,
    yLabel: 'answers per second',
    yUnit: 'per_second',
    isLogY: false,
    isStacked: true,
    xs: bucketMiddles(time),
    series,
    markers: [...faultMarkers(sim), ...saleOpeningMarkers(sim), ...selloutMarker(sim)],
  };
}
