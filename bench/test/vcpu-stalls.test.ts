import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatStalls, probeVcpuStalls, stallFigures } from '../src/vcpu-stalls.js';

describe('vCPU stalls', () => {
  it('adds up the gaps of every thread against the time they spun', () => {
    expect(stallFigures([[2, 3], [5]], 1000)).toEqual({
      seconds: 1,
      threads: 2,
      lost_pct: 0.5,
      stalls_per_s: 1.5,
      longest_ms: 5,
    });
    expect(stallFigures([[], []], 2000)).toMatchObject({ lost_pct: 0, stalls_per_s: 0, longest_ms: 0 });
  });

  it('sees the time taken from threads that share a core', async () => {
    // Twice as many spinning threads as cores: each runs about half the time, in slices of
    // milliseconds, so about half of the span must show as lost.
    const stalls = await probeVcpuStalls(0.6, os.cpus().length * 2);
    expect(stalls.threads).toBe(os.cpus().length * 2);
    expect(stalls.lost_pct).toBeGreaterThan(20);
    expect(stalls.lost_pct).toBeLessThan(100);
    expect(stalls.longest_ms).toBeGreaterThan(1);
  });

  it('reads as a share, a rate and the longest', () => {
    expect(formatStalls(stallFigures([[2, 8.94]], 2000))).toBe(
      '0.5% of a 2 s probe (1 stalls over 1 ms a second, longest 8.9 ms)',
    );
  });
});
