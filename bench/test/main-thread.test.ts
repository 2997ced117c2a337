import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatMainThreads, mainThreadsOf } from '../src/cpu-split.js';
import { formatHalfThreads } from '../src/full-flow.js';
import { type ProcessUsage, readMainThreadSchedule, sampleProcesses } from '../src/proc-stats.js';

/** Keeps this thread on a core (or waiting for one) for `ms`. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

// The test's own code runs on its process's main thread: vitest.config.ts runs files in forks.
describe("a process's main thread, as the scheduler saw it", () => {
  it('counts the time this thread ran, and nothing for a process that is gone', () => {
    const before = readMainThreadSchedule(process.pid);
    spin(100);
    const after = readMainThreadSchedule(process.pid);
    expect(before).toBeDefined();
    // On a core or runnable the whole 100 ms: the two counters together grew by about that.
    const grewS = after!.runS - before!.runS + (after!.waitS - before!.waitS);
    expect(grewS).toBeGreaterThan(0.09);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(readMainThreadSchedule(gone)).toBeUndefined();
  });

  it('is busy or waiting for a core all through a window it spins, and asleep through one it sleeps', async () => {
    const spinning = sampleProcesses({ harness: () => [process.pid] }, { intervalMs: 1000 });
    spin(300);
    const busy = spinning.stop().mainThreads;
    expect(busy).toHaveLength(1);
    expect(busy[0]).toMatchObject({ group: 'harness', pid: process.pid });
    expect(busy[0]!.running + busy[0]!.waiting).toBeGreaterThan(0.8);

    const sleeping = sampleProcesses({ harness: () => [process.pid] }, { intervalMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const idle = sleeping.stop().mainThreads;
    expect(idle[0]!.running + idle[0]!.waiting).toBeLessThan(0.5);
  });
});

describe('the main threads of a group that carried the load', () => {
  const usage: ProcessUsage = {
    elapsedS: 10,
    machineBusyS: 16,
    machineTotalS: 20,
    machineInterruptS: 0,
    machineStealS: 0,
    cpuByGroup: { server: 12 },
    kernelCpuByGroup: { server: 4 },
    rss: [],
    mainThreads: [
      { group: 'server', pid: 10, running: 0.01, waiting: 0 }, // a cluster's primary
      { group: 'server', pid: 11, running: 0.55, waiting: 0.12 },
      { group: 'server', pid: 12, running: 0.624, waiting: 0.151 },
      { group: 'redis', pid: 20, running: 0.3, waiting: 0.02 },
    ],
  };

  it("are the group's processes that ran a twentieth of the window or more, busiest first", () => {
    expect(mainThreadsOf(usage, 'server')).toEqual([
      { running: 0.624, waiting: 0.151 },
      { running: 0.55, waiting: 0.12 },
    ]);
    expect(mainThreadsOf(usage, 'load_generator')).toEqual([]);
  });

  it('read as one line, a process each', () => {
    expect(formatMainThreads(mainThreadsOf(usage, 'server'))).toBe(
      '62% on a core, 15% waiting for one; 55% on a core, 12% waiting for one',
    );
    expect(formatMainThreads([])).toBe('-');
  });
});

describe('the full flow at half its max', () => {
  it("gives the service's main thread, then the simulator's", () => {
    expect(
      formatHalfThreads({
        server: [{ running: 0.31, waiting: 0.04 }],
        simulator: [{ running: 0.45, waiting: 0.08 }],
      }),
    ).toBe('31% on a core, 4% waiting for one; 45% on a core, 8% waiting for one');
    expect(formatHalfThreads(null)).toBe('-');
  });
});
