import { describe, expect, it } from 'vitest';
import {
  cpuMicrosPerRequest,
  cpuSplit,
  formatCpuMicros,
  formatCpuSplit,
  formatUserKernel,
  isRedisServerOn,
  serverUserKernelMicros,
} from '../src/cpu-split.js';
import type { ProcessUsage } from '../src/proc-stats.js';

describe('the CPU split of a window', () => {
  const usage: ProcessUsage = {
    elapsedS: 10,
    machineBusyS: 16,
    machineTotalS: 20,
    machineInterruptS: 1,
    machineStealS: 0.5,
    cpuByGroup: { server: 9, redis: 2 },
    kernelCpuByGroup: { server: 4, redis: 1 },
    rss: [],
    mainThreads: [],
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

describe('CPU per request', () => {
  const usage: ProcessUsage = {
    elapsedS: 10,
    machineBusyS: 16,
    machineTotalS: 20,
    machineInterruptS: 1,
    machineStealS: 0,
    cpuByGroup: { server: 1.2, postgres_backends: 0.4, redis: 0.22, load_generator: 0.5, bench_harness: 0.1 },
    kernelCpuByGroup: {
      server: 0.5,
      postgres_backends: 0.1,
      redis: 0.1,
      load_generator: 0.3,
      bench_harness: 0,
    },
    rss: [],
    mainThreads: [],
  };

  it("is each group's CPU seconds over the requests, in µs, the harness left out", () => {
    expect(cpuMicrosPerRequest(usage, 20_000)).toEqual({
      server: 60,
      postgres_backends: 20,
      redis: 11,
      load_generator: 25,
    });
    expect(cpuMicrosPerRequest(usage, 0)).toMatchObject({ server: null });
  });

  it("splits the service's into its own code (user) and the kernel's work for it (system)", () => {
    expect(serverUserKernelMicros(usage, 20_000)).toEqual({ user: 35, kernel: 25 });
    expect(formatUserKernel(serverUserKernelMicros(usage, 20_000))).toBe('user 35, kernel 25');
    expect(serverUserKernelMicros(usage, 0)).toEqual({ user: null, kernel: null });
    expect(formatUserKernel(serverUserKernelMicros(usage, 0))).toBe('-');
  });

  it('reads as one line in the order node, pg, pg bg, redis, wrk', () => {
    expect(formatCpuMicros(cpuMicrosPerRequest(usage, 20_000))).toBe('node 60, pg 20, redis 11, wrk 25');
  });

  it("counts only the redis-server on the service's port", () => {
    expect(isRedisServerOn('redis-server 127.0.0.1:6379', '6379')).toBe(true);
    expect(isRedisServerOn('redis-server *:6379', '6379')).toBe(true);
    expect(isRedisServerOn('redis-server *:16379', '6379')).toBe(false);
    expect(isRedisServerOn('redis-server 127.0.0.1:6391', '6379')).toBe(false);
    expect(isRedisServerOn('node redis-server 127.0.0.1:6379', '6379')).toBe(false);
  });
});
