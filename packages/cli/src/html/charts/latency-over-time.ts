// Response-time percentiles over time (from each request's intended send time, so a stall shows
// here rather than as a lower rate), on a log scale: p50, p99 and the maximum of each second.
import type { SimReport } from '@flashsale/sim';
import type { ChartSpec } from '../chart-spec.js';
import { secondMiddles, timeAxisLabel } from './time-axis.js';
import { faultMarkers } from './time-markers.js';

export function latencyOverTimeChart(sim: SimReport): ChartSpec {
  const timeline = sim.timeline;
  return {
    id: 'chart-latency-over-time',
    xKind: 'seconds',
    xLabel: timeAxisLabel,
    yLabel: 'response time (ms, log)',
    yUnit: 'ms',
    isLogY: true,
    isStacked: false,
    xs: secondMiddles(timeline),
    series: [
      { label: 'p50', color: '#1971c2', values: timeline.map((second) => second.p50_ms), widthPx: 2 },
      { label: 'p99', color: '#e8590c', values: timeline.map((second) => second.p99_ms), widthPx: 2 },
      { label: 'max', color: '#c92a2a', values: timeline.map((second) => second.max_ms), dashPx: [3, 3] },
    ],
    markers: faultMarkers(sim),
  };
}
