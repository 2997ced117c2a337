import type { TimelineSecondReport } from '@flashsale/sim';
import { describe, expect, it } from 'vitest';
import { steadyCpuUsPerRequest } from '../src/simulate.js';

const startMs = 1_700_000_000_000;

/** A timeline second with `done` answers; the other figures do not enter the CPU figure. */
const second = (t: number, done: number) => ({ t, at_ms: startMs + t * 1000, done }) as TimelineSecondReport;

describe('CPU per request over the steady seconds of a simulate run', () => {
  // 6 s schedule: seconds 0-1 are start-up, 2-5 steady, 6 holds the answers after the schedule.
  const report = {
    duration_ms: 6000,
    timeline: [
      second(0, 900),
      second(1, 1000),
      second(2, 1000),
      second(3, 1000),
      second(4, 1000),
      second(5, 1000),
      second(6, 50),
    ],
  };

  it('is the CPU from the start of second 2 to the end of the schedule over the answers in between', () => {
    // 1.5 s of CPU before the start (process start, warm-up), then 40 ms per steady second.
    const series = [
      [startMs - 2000, 0.2],
      [startMs, 1.5],
      [startMs + 2000, 1.7],
      [startMs + 3000, 1.74],
      [startMs + 6000, 1.86],
      [startMs + 7000, 2.4], // the final report
    ] as const;
    expect(steadyCpuUsPerRequest(report, series, 2)).toBe(40);
  });

  it('reads the last sample at or before each end, and says nothing without samples or seconds', () => {
    const series = [
      [startMs + 1950, 1.0],
      [startMs + 5990, 1.2],
    ] as const;
    expect(steadyCpuUsPerRequest(report, series, 2)).toBe(50);
    expect(steadyCpuUsPerRequest(report, [], 2)).toBeNull();
    expect(steadyCpuUsPerRequest({ duration_ms: 2000, timeline: report.timeline }, series, 2)).toBeNull();
  });
});
