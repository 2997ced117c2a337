import { describe, expect, it } from 'vitest';
import { percentileCurve } from '../src/index.js';
import { createHistogram, encodeHistogram, recordUs } from '../src/record/histograms.js';

/** An encoded histogram of `count` response times spread evenly over 1..count ms. */
function evenlySpreadMs(count: number): string {
  const histogram = createHistogram();
  for (let ms = 1; ms <= count; ms++) recordUs(histogram, ms * 1000);
  return encodeHistogram(histogram);
}

describe('percentileCurve', () => {
  it('runs from 0 nines up to the resolution of the count and ends at the maximum', () => {
    const curve = percentileCurve([evenlySpreadMs(1000)]);
    expect(curve.count).toBe(1000);
    const last = curve.points.at(-1);
    expect(last).toEqual({ nines: 3, percentile: 100, latencyMs: expect.closeTo(1000, 0) });
    expect(curve.points[0]).toMatchObject({ nines: 0, percentile: 0 });
    const nines = curve.points.map((point) => point.nines);
    expect(nines).toEqual([...nines].sort((a, b) => a - b));
    expect(new Set(nines).size).toBe(nines.length);
  });

  it('reads the histogram at each percentile: 90% at 1 nine, 99% at 2', () => {
    const curve = percentileCurve([evenlySpreadMs(1000)]);
    const at = (nines: number) => curve.points.find((point) => Math.abs(point.nines - nines) < 1e-9);
    expect(at(1)?.percentile).toBeCloseTo(90, 9);
    expect(at(1)?.latencyMs).toBeCloseTo(900, -1);
    expect(at(2)?.latencyMs).toBeCloseTo(990, -1);
    const latencies = curve.points.map((point) => point.latencyMs);
    expect(latencies).toEqual([...latencies].sort((a, b) => a - b));
  });

  it('adds several histograms up before reading them', () => {
    const curve = percentileCurve([evenlySpreadMs(100), evenlySpreadMs(900)]);
    expect(curve.count).toBe(1000);
    expect(curve.points.at(-1)?.latencyMs).toBeCloseTo(900, -1);
  });

  it('gives no points for no histograms or empty ones, and one for a single value', () => {
    expect(percentileCurve([])).toEqual({ count: 0, points: [] });
    expect(percentileCurve([encodeHistogram(createHistogram())])).toEqual({ count: 0, points: [] });
    expect(percentileCurve([evenlySpreadMs(1)]).points).toEqual([
      { nines: 0, percentile: 100, latencyMs: expect.closeTo(1, 2) },
    ]);
  });
});
