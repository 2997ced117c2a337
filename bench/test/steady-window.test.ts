import type { TimelineSecondReport } from '@flashsale/sim';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { splitTimeline } from '../src/steady-window.js';

/** A second of a simulate report's timeline, with its response times (µs) in a histogram. */
function second(
  t: number,
  figures: Partial<TimelineSecondReport>,
  latenciesUs: readonly number[],
): TimelineSecondReport {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
  });
  for (const us of latenciesUs) histogram.recordValue(us);
  return {
    t,
    at_ms: 1_700_000_000_000 + t * 1000,
    target: 100,
    sent: 100,
    done: 100,
    late: 0,
    dropped: 0,
    errors: 0,
    in_flight: 0,
    p50_ms: null,
    p99_ms: null,
    max_ms: null,
    outcomes: {},
    purchases: 0,
    items_sold: null,
    event_loop_lag_p99_ms: 1,
    faults: [],
    histogram: hdr.encodeIntoCompressedBase64(histogram),
    ...figures,
  };
}

describe('the steady window of a simulate run', () => {
  const timeline = [
    second(0, { sent: 60, late: 40, event_loop_lag_p99_ms: 80 }, Array(100).fill(200_000)),
    second(1, { late: 5 }, Array(100).fill(50_000)),
    second(2, {}, Array(100).fill(1_000)),
    second(
      3,
      { dropped: 2, errors: 1, event_loop_lag_p99_ms: null },
      Array(97).fill(1_000).concat([20_000, 20_000, 20_000]),
    ),
    // Past the 4 s schedule: requests still finishing belong to neither window.
    second(4, { target: 0, sent: 0 }, [900_000]),
  ];
  const { startUp, steady } = splitTimeline({ duration_ms: 4000, timeline }, 2);

  it('sums the start-up seconds apart, with their merged percentiles', () => {
    expect(startUp).toMatchObject({ seconds: 2, target: 200, sent: 160, sent_share: 0.8, late: 45 });
    expect(startUp.event_loop_lag_p99_max_ms).toBe(80);
    expect(startUp.p99_ms).toBeCloseTo(200, -1);
  });

  it('judges the steady seconds on their own, leaving out seconds past the schedule', () => {
    expect(steady).toMatchObject({
      seconds: 2,
      target: 200,
      sent: 200,
      sent_share: 1,
      late: 0,
      dropped: 2,
      errors: 1,
    });
    expect(steady.event_loop_lag_p99_max_ms).toBe(1);
    // 197 answers in 1 ms and 3 in 20 ms, over both seconds: percentiles of the sum, not averaged.
    expect(steady.p50_ms).toBeCloseTo(1, 1);
    expect(steady.p99_ms).toBeCloseTo(20, 0);
  });

  it('has no percentiles and no share when a window is empty', () => {
    const { steady: empty } = splitTimeline({ duration_ms: 1000, timeline }, 2);
    expect(empty).toMatchObject({ seconds: 0, target: 0, sent_share: null, p50_ms: null, p99_ms: null });
    expect(empty.event_loop_lag_p99_max_ms).toBeNull();
  });
});
