// The x values of the time charts: seconds since the run started. A timeline entry covers one
// second [t, t + 1), so rates and latencies sit at its middle and running totals at its end.
import type { TimelineSecondReport } from '@flashsale/sim';

export const timeAxisLabel = 'time since start';

export function secondMiddles(timeline: readonly TimelineSecondReport[]): number[] {
  return timeline.map((second) => second.t + 0.5);
}

export function secondEnds(timeline: readonly TimelineSecondReport[]): number[] {
  return timeline.map((second) => second.t + 1);
}
