import { describe, expect, it } from 'vitest';
import { searchMaxRate } from '../src/rate-search.js';

/** A system that passes up to `limit` req/s; records the rates tried. */
function system(limit: number) {
  const tried: number[] = [];
  const measure = async (rps: number) => {
    tried.push(rps);
    return { rps };
  };
  return { tried, measure, isPass: (run: { rps: number }) => run.rps <= limit };
}

describe('searchMaxRate', () => {
  it('steps up until a failure, then narrows the gap', async () => {
    const s = system(7000);
    const result = await searchMaxRate({
      startRps: 2000,
      maxRuns: 8,
      factor: 2,
      measure: s.measure,
      isPass: s.isPass,
    });
    expect(s.tried.slice(0, 3)).toEqual([2000, 4000, 8000]);
    expect(result.maxRps).toBeGreaterThanOrEqual(6500);
    expect(result.maxRps).toBeLessThanOrEqual(7000);
    expect(result.lowestFailRps).toBeGreaterThan(7000);
  });

  it('steps down when the first rate fails, and never runs more than maxRuns', async () => {
    const s = system(900);
    const result = await searchMaxRate({
      startRps: 4000,
      maxRuns: 3,
      factor: 2,
      measure: s.measure,
      isPass: s.isPass,
    });
    expect(s.tried).toEqual([4000, 2000, 1000]);
    expect(result.maxRps).toBeNull();
  });

  it('reuses the runs of an earlier search instead of measuring them again', async () => {
    const s = system(5000);
    const first = await searchMaxRate({
      startRps: 4000,
      maxRuns: 2,
      factor: 2,
      measure: s.measure,
      isPass: s.isPass,
    });
    const before = s.tried.length;
    await searchMaxRate({
      startRps: 4000,
      maxRuns: 1,
      factor: 2,
      measure: s.measure,
      isPass: () => true,
      measured: first.measured,
    });
    expect(s.tried.length - before).toBe(1);
  });
});
