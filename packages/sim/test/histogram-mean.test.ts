import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  meanUs,
  recordUs,
} from '../src/record/histograms.js';

describe('the mean of a latency histogram', () => {
  it('is the one hdr-histogram-js computes, over narrow and wide spreads, fine and coarse', () => {
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const precision of ['fine', 'coarse'] as const) {
      for (const spreadUs of [10, 5_000, 3_000_000, 4_000_000_000]) {
        const histogram = createHistogram(precision);
        for (let i = 0; i < 5_000; i++) recordUs(histogram, next() * spreadUs);
        expect(meanUs(histogram)).toBe(histogram.mean);
        // A histogram that went through a report (encoded, decoded) too.
        const decoded = decodeHistogram(encodeHistogram(histogram));
        expect(meanUs(decoded)).toBe(decoded.mean);
      }
    }
  });

  it('is 0 for an empty histogram, and the value itself for one value', () => {
    expect(meanUs(createHistogram())).toBe(0);
    const one = createHistogram();
    recordUs(one, 1);
    expect(meanUs(one)).toBe(one.mean);
    expect(meanUs(one)).toBe(1);
  });
});
