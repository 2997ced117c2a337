// The time charts' points: the timeline's seconds, grouped into buckets of a few seconds when a
// run is long, so an hour-long run plots (and weighs) like a ten-minute one. Counts become
// per-second rates over the bucket, running totals keep their last value, and latencies come
// from the seconds' histograms added up, never from averaged percentiles.
import { summarizeLatencies, type TimelineSecondReport } from '@flashsale/sim';

export const timeAxisLabel = 'time since start';

/** Bucket widths a reader takes in at a glance. */
const niceSeconds = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];
const defaultMaxPoints = 600;

export type TimeBucket = Readonly<{
  /** Seconds since the start: the bucket covers [startS, endS). */
  startS: number;
  endS: number;
  /** Per second over the bucket. */
  target: number;
  sent: number;
  done: number;
  errors: number;
  dropped: number;
  outcomes: Readonly<Record<string, number>>;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Running totals at the bucket's end. */
  purchases: number;
  itemsSold: number | null;
}>;

export type TimeBuckets = Readonly<{ secondsPerBucket: number; buckets: readonly TimeBucket[] }>;

export function bucketTimeline(
  timeline: readonly TimelineSecondReport[],
  maxPoints: number = defaultMaxPoints,
): TimeBuckets {
  const spanS = (timeline.at(-1)?.t ?? 0) + 1;
  const secondsPerBucket =
    niceSeconds.find((seconds) => spanS / seconds <= maxPoints) ?? Math.ceil(spanS / maxPoints);
  const groups = new Map<number, TimelineSecondReport[]>();
  for (const second of timeline) {
    const index = Math.floor(second.t / secondsPerBucket);
    const group = groups.get(index);
    if (group === undefined) groups.set(index, [second]);
    else group.push(second);
  }
  const buckets = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, seconds]) => bucketOf(index * secondsPerBucket, secondsPerBucket, seconds));
  return { secondsPerBucket, buckets };
}

function bucketOf(startS: number, widthS: number, seconds: readonly TimelineSecondReport[]): TimeBucket {
  const last = seconds.at(-1) as TimelineSecondReport;
  // The run's last bucket may cover fewer seconds than the others.
  const coveredS = Math.min(widthS, last.t + 1 - startS);
  const perSecond = (figureOf: (second: TimelineSecondReport) => number) =>
    seconds.reduce((sum, second) => sum + figureOf(second), 0) / coveredS;
  const outcomes: Record<string, number> = {};
  for (const second of seconds) {
    for (const [code, count] of Object.entries(second.outcomes))
      outcomes[code] = (outcomes[code] ?? 0) + count;
  }
  for (const code of Object.keys(outcomes)) outcomes[code] = (outcomes[code] ?? 0) / coveredS;
  const latency = seconds.length === 1 ? ownLatency(last) : summedLatency(seconds);
  const sold = seconds.map((second) => second.items_sold).filter((value) => value !== null);
  return {
    startS,
    endS: startS + coveredS,
    target: perSecond((second) => second.target),
    sent: perSecond((second) => second.sent),
    done: perSecond((second) => second.done),
    errors: perSecond((second) => second.errors),
    dropped: perSecond((second) => second.dropped),
    outcomes,
    ...latency,
    purchases: last.purchases,
    itemsSold: sold.at(-1) ?? null,
  };
}

type BucketLatency = Pick<TimeBucket, 'p50Ms' | 'p99Ms' | 'maxMs'>;

function ownLatency(second: TimelineSecondReport): BucketLatency {
  return { p50Ms: second.p50_ms, p99Ms: second.p99_ms, maxMs: second.max_ms };
}

function summedLatency(seconds: readonly TimelineSecondReport[]): BucketLatency {
  const summary = summarizeLatencies(seconds.map((second) => second.histogram));
  if (summary.count === 0) return { p50Ms: null, p99Ms: null, maxMs: null };
  return { p50Ms: summary.p50, p99Ms: summary.p99, maxMs: summary.max };
}

/** Where a bucket's rates sit: its middle. */
export function bucketMiddles(time: TimeBuckets): number[] {
  return time.buckets.map((bucket) => (bucket.startS + bucket.endS) / 2);
}

/** Where a bucket's running totals sit: its end. */
export function bucketEnds(time: TimeBuckets): number[] {
  return time.buckets.map((bucket) => bucket.endS);
}
