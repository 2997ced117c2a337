// The steady part of a simulate run: its schedule seconds after the first `startUpS`, from the
// report's per-second timeline. A simulator process spends its first second or two finishing its
// own start-up (see packages/sim/README.md and the bench notes), which makes those seconds late
// whatever the target does; the benchmarks judge a rate on the seconds after, and report the
// start-up seconds apart.
import type { SimReport, TimelineSecondReport } from '@flashsale/sim';
import hdr from 'hdr-histogram-js';

export type WindowFigures = Readonly<{
  seconds: number;
  target: number;
  sent: number;
  sent_share: number | null;
  late: number;
  dropped: number;
  errors: number;
  p50_ms: number | null;
  p99_ms: number | null;
  event_loop_lag_p99_max_ms: number | null;
}>;

type CountKey = 'target' | 'sent' | 'late' | 'dropped' | 'errors';

/**
 * Percentiles (ms) of the merged per-second histograms (µs). Read at the timeline's own precision
 * (2 significant digits), not through sim's summarizeLatencies (3 digits), so the figures are
 * the ones the bench has always reported.
 */
function mergedLatencyMs(seconds: readonly TimelineSecondReport[]): {
  p50: number | null;
  p99: number | null;
} {
  const merged = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
    useWebAssembly: false,
  });
  for (const second of seconds) {
    if (second.histogram) merged.add(hdr.decodeFromCompressedBase64(second.histogram, 32, false));
  }
  if (merged.totalCount === 0) return { p50: null, p99: null };
  return { p50: merged.getValueAtPercentile(50) / 1000, p99: merged.getValueAtPercentile(99) / 1000 };
}

function windowOf(seconds: readonly TimelineSecondReport[]): WindowFigures {
  const sum = (key: CountKey) => seconds.reduce((total, second) => total + (second[key] ?? 0), 0);
  const target = sum('target');
  const sent = sum('sent');
  const lags = seconds.flatMap((second) =>
    second.event_loop_lag_p99_ms === null ? [] : [second.event_loop_lag_p99_ms],
  );
  const latency = mergedLatencyMs(seconds);
  return {
    seconds: seconds.length,
    target,
    sent,
    sent_share: target === 0 ? null : Math.round((sent / target) * 1000) / 1000,
    late: sum('late'),
    dropped: sum('dropped'),
    errors: sum('errors'),
    p50_ms: latency.p50,
    p99_ms: latency.p99,
    event_loop_lag_p99_max_ms: lags.length === 0 ? null : Math.max(...lags),
  };
}

/**
 * Splits a run's timeline into its start-up seconds and its steady seconds. Seconds past the
 * schedule (requests still finishing) belong to neither.
 */
export function splitTimeline(
  report: Pick<SimReport, 'duration_ms' | 'timeline'>,
  startUpS: number,
): { startUp: WindowFigures; steady: WindowFigures } {
  const scheduleS = Math.round(report.duration_ms / 1000);
  const inSchedule = report.timeline.filter((second) => second.t < scheduleS);
  return {
    startUp: windowOf(inSchedule.filter((second) => second.t < startUpS)),
    steady: windowOf(inSchedule.filter((second) => second.t >= startUpS)),
  };
}
