// Long runs plot in buckets of seconds: rates keep their totals, running totals their last value,
// and latencies come from the seconds' histograms added up.
import { summarizeLatencies, type TimelineSecondReport } from '@flashsale/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { bucketTimeline } from '../src/html/charts/time-buckets.js';
import { renderHtmlReport } from '../src/html/render-report.js';
import { runShopSale, type ShopRun } from './support/html-fixtures.js';

describe('bucketTimeline', () => {
  let dir: TempDir;
  let run: ShopRun;
  beforeAll(async () => {
    dir = createTempDir();
    run = await runShopSale(dir.path('run.json'));
  }, 60_000);
  afterAll(async () => {
    await run?.shop.close();
    dir?.remove();
  });

  it('keeps one point per second of a short run, with the second’s own figures', () => {
    const timeline = run.report.timeline;
    const time = bucketTimeline(timeline);
    expect(time.secondsPerBucket).toBe(1);
    expect(
      time.buckets.map((bucket) => [bucket.startS, bucket.sent, bucket.p99Ms, bucket.purchases]),
    ).toEqual(timeline.map((second) => [second.t, second.sent, second.p99_ms, second.purchases]));
  });

  it('groups seconds into wider buckets whose rates add back up to the run’s totals', () => {
    const timeline = run.report.timeline;
    const time = bucketTimeline(timeline, 2);
    expect(time.secondsPerBucket).toBeGreaterThan(1);
    expect(time.buckets.length).toBeLessThanOrEqual(2);
    const total = (rateOf: (bucket: (typeof time.buckets)[number]) => number) =>
      time.buckets.reduce((sum, bucket) => sum + rateOf(bucket) * (bucket.endS - bucket.startS), 0);
    expect(total((bucket) => bucket.done)).toBeCloseTo(run.report.requests, 6);
    expect(total((bucket) => bucket.target)).toBeCloseTo(run.report.scheduled, 6);
    expect(total((bucket) => bucket.outcomes.success ?? 0)).toBeCloseTo(
      run.report.by_endpoint.checkout.outcomes.success! + run.report.by_endpoint.purchase.outcomes.success!,
      6,
    );
    expect(time.buckets.at(-1)?.purchases).toBe(timeline.at(-1)?.purchases);
  });

  it('reads a bucket’s latencies from its seconds’ histograms added up', () => {
    const timeline = run.report.timeline;
    const time = bucketTimeline(timeline, 2);
    const first = time.buckets[0]!;
    const seconds = timeline.filter((second) => second.t >= first.startS && second.t < first.endS);
    const summary = summarizeLatencies(seconds.map((second) => second.histogram));
    expect([first.p50Ms, first.p99Ms, first.maxMs]).toEqual([summary.p50, summary.p99, summary.max]);
    // The seconds' histograms keep 2 significant digits: their maximum agrees to within 1%.
    const secondsMaxMs = Math.max(...seconds.map((second) => second.max_ms ?? 0));
    expect(Math.abs((first.maxMs ?? 0) - secondsMaxMs) / secondsMaxMs).toBeLessThan(0.01);
  });

  it('draws an hour-long run with at most 600 points per time chart and says how wide they are', () => {
    const base = run.report.timeline;
    const hour: TimelineSecondReport[] = Array.from({ length: 3600 }, (_, t) => ({
      ...(base[t % base.length] as TimelineSecondReport),
      t,
    }));
    const page = renderHtmlReport({ sim: { ...run.report, timeline: hour } });
    const specs = JSON.parse(/id="chart-specs">(.*?)<\/script>/s.exec(page)?.[1] ?? '[]') as {
      xs: number[];
    }[];
    for (const spec of specs.slice(0, 4)) expect(spec.xs.length).toBeLessThanOrEqual(601);
    expect(page).toContain('Each point covers 10 s.');
  });
});
