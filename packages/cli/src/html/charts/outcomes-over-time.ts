// Answers per second, stacked by outcome code. The series hold running sums and are listed top
// first: each fills down to zero over the ones above it, which reads as a stack; the legend shows
// each code's own count.
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec, SeriesSpec } from '../chart-spec.js';
import { orderCodes, styleOf } from './outcome-styles.js';
import { secondMiddles, timeAxisLabel } from './time-axis.js';
import { faultMarkers, selloutMarker } from './time-markers.js';

export function outcomesOverTimeChart(sim: SimReport): ChartSpec {
  const timeline = sim.timeline;
  const codes = orderCodes(timeline.flatMap((second) => Object.keys(second.outcomes)));
  const runningSums = timeline.map(() => 0);
  const bottomFirst: SeriesSpec[] = codes.map((code) => {
    const own = timeline.map((second) => second.outcomes[code] ?? 0);
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
    xs: secondMiddles(timeline),
    series: bottomFirst.reverse(),
    markers: [...faultMarkers(sim), ...selloutMarker(sim)],
  };
}
