import { describe, expect, it } from 'vitest';
import { cpuSplit, formatCpuSplit } from '../src/cpu-split.js';
import type { ProcessUsage } from '../src/proc-stats.js';

describe('the CPU split of a window', () => {
  const usage: ProcessUsage = {
    elapsedS: 10,
    machineBusyS: 16,
    machineTotalS: 20,
    machineInterruptS: 1,
    machineStealS: 0.5,
    cpuByGroup: { server: 9, redis: 2 },
    rss: [],
  };

  it('gives each group its cores and leaves the rest of the busy time to "other"', () => {
    expect(cpuSplit(usage)).toEqual({
      server: 0.9,
      redis: 0.2,
      kernel_interrupts: 0.1,
      steal: 0.05,
      other: 0.35,
      idle: 0.4,
      machine_busy: 1.6,
      machine_cores: 2,
    });
  });

  it('reads as one line of the groups the table labels', () => {
    expect(formatCpuSplit(cpuSplit(usage))).toBe('server 0.90, redis 0.20, irq 0.10, other 0.35, idle 0.40');
    expect(formatCpuSplit(null)).toBe('');
  });
});
