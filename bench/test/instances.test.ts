import { describe, expect, it } from 'vitest';
import { type InstancesRound, instancesResults } from '../src/instances.js';
import type { WrkRun } from '../src/wrk.js';

const wrkRun = (requests: number, durationS: number): WrkRun => ({
  requests,
  durationS,
  rps: requests / durationS,
  latencyMs: { p50: 5, p90: 8, p99: 20, p999: 30, max: 40, mean: 6 },
  non2xx: 0,
  socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
  nextOffset: requests,
  connections: 60,
  commandLine: 'wrk …',
});

/** A round of `instances` over 10 s; CPU seconds by group as given. */
function roundOf(
  instances: number,
  requests: number,
  cpuByGroup: Record<string, number>,
  checkoutsByInstance: readonly number[],
  mainThreads: InstancesRound['usage']['mainThreads'] = [],
): InstancesRound {
  return {
    instances,
    connections: 60,
    wrk: wrkRun(requests, 10),
    usage: {
      elapsedS: 10,
      machineBusyS: 16,
      machineTotalS: 20,
      machineInterruptS: 1,
      machineStealS: 0,
      cpuByGroup: { bench_harness: 0.1, ...cpuByGroup },
      kernelCpuByGroup: {},
      rss: [],
      mainThreads,
    },
    checkoutsByInstance,
    rowsWritten: requests,
    serviceCommandLines: Array.from({ length: instances }, (_, i) => `serve ${i + 1}`),
  };
}

const shared = (redisS: number, pgS: number) => ({
  postgres_backends: pgS,
  postgres_background: 0.05,
  redis: redisS,
  load_generator: 1,
});

describe('the instances results', () => {
  const one = roundOf(1, 80_000, { instance_1: 8, ...shared(2, 2) }, [80_000]);
  const oneSlower = roundOf(1, 60_000, { instance_1: 6, ...shared(1.5, 1.5) }, [60_000]);
  const three = roundOf(
    3,
    90_000,
    { instance_1: 4, instance_2: 3, instance_3: 3, ...shared(2.7, 3.6) },
    [40_000, 30_000, 20_000],
    [
      { group: 'instance_1', pid: 11, running: 0.45, waiting: 0.3 },
      { group: 'instance_2', pid: 12, running: 0.02, waiting: 0.01 }, // too little to have carried load
      { group: 'instance_3', pid: 13, running: 0.35, waiting: 0.4 },
      { group: 'redis', pid: 20, running: 0.27, waiting: 0.05 },
    ],
  );
  const results = instancesResults([[oneSlower, one], [three]]);

  it('sum every instance as node and give each its own CPU per checkout it answered', () => {
    const [, many] = results;
    expect(many?.id).toBe('instances-3');
    expect(many?.figures.cpu_us_per_checkout).toEqual({
      node: 111, // 10 s of CPU / 90,000 checkouts
      postgres_backends: 40,
      postgres_background: 1,
      redis: 30,
      load_generator: 11,
    });
    expect(many?.figures.per_instance.map((i) => [i.rps, i.cpu_us_per_checkout])).toEqual([
      [4000, 100],
      [3000, 100],
      [2000, 150],
    ]);
    expect(many?.cpu_us_per_checkout?.measured.server).toBe(111);
    expect(many?.figures.per_instance.map((i) => i.main_thread)).toEqual([
      { running: 0.45, waiting: 0.3 },
      null,
      { running: 0.35, waiting: 0.4 },
    ]);
    expect(many?.rows).toContainEqual([
      'per instance: main thread (event loop), share of the window',
      '45% on a core, 30% waiting for one; -; 35% on a core, 40% waiting for one',
      '',
      '',
    ]);
    expect(many?.figures.idle_share).toBe(0.2);
  });

  it('take the best round of each count and scale against the 1-instance rate', () => {
    expect(results[0]?.figures.rps).toBe(8000);
    expect(results[0]?.figures.rounds.map((r) => r.rps)).toEqual([6000, 8000]);
    expect(results[1]?.ratio).toBe(1.13);
  });

  it("derive saturation from the count's own Redis and Postgres CPU, at the rate of one instance alone", () => {
    const saturation = results[1]?.figures.saturation;
    expect(saturation?.per_instance_rps).toBe(8000);
    expect(saturation?.per_instance_core_rps).toBe(10_000); // 1e6 / the 1-instance run's 100 µs
    expect(saturation?.redis).toMatchObject({
      saturates_at_rps_per_core: 33_333,
      instances_at_measured_rate: 4.2,
    });
    expect(saturation?.postgres).toMatchObject({
      cpu_us_per_checkout: 40, // backends only: the background processes serve the whole box
      saturates_at_rps_per_core: 25_000,
      instances_at_measured_rate: 3.1,
      instances_at_core_rate: 2.5,
    });
  });

  it('flag a round with fewer attempt rows than answered checkouts', () => {
    const lossy = { ...one, rowsWritten: 79_000 };
    const [result] = instancesResults([[lossy]]);
    expect(result?.flags).toEqual(['round 1: only 79000 checkout_attempts rows for 80000 answered requests']);
    expect(result?.figures.is_every_attempt_durable).toBe(false);
  });
});
