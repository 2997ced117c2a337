// Benchmark `instances`: checkout throughput of 1, then 2, then 3 separate `flashsale serve
// --workers 1` processes (own ports, not cluster workers) against one Redis (a redis-server of
// the benchmark's own, see startOwnRedis) and the one Postgres (the bench's database), and what
// each kind of process spent per checkout in the same run, from which capacity.ts derives how
// many instances one Redis shard and one Postgres carry.
//
// Load: one wrk with one thread per instance (checkout.lua's BENCH_TARGETS points thread i at
// instance i), the same total connections at every count. One process rather than a wrk per
// instance: one latency histogram over all requests, request numbers that never collide (the
// script spreads them over threads), one load-generator pid to sample, and no extra process
// competing for the two cores as the count grows.

import { freePort, launchRedisServer, stopProcess } from '@flashsale/harness';
import {
  busyBoxOtherCores,
  type DependencyCapacity,
  deriveSaturation,
  type SaturationFigures,
} from './capacity.js';
import {
  type CpuCores,
  cpuMicrosPerRequest,
  cpuSplit,
  formatCpuMicros,
  formatCpuSplit,
  formatMainThreads,
  mainThreadsOf,
  serviceProcessGroups,
  type ThreadShares,
} from './cpu-split.js';
import { formatCount, formatMs, formatRate, formatRatio, round } from './format.js';
import { type ListPids, type ProcessUsage, processTree, sampleProcesses } from './proc-stats.js';
import { trackForCleanup } from './processes.js';
import { type Sample, scrapeMetrics, sumOf } from './prometheus.js';
import type { BenchResult, TableRow } from './results.js';
import { type Service, withServices } from './service.js';
import type { RunContext } from './session.js';
import { countAttempts } from './world.js';
import { runWrk, type SocketErrors, type WrkOptions, type WrkRun } from './wrk.js';

export const instanceCounts = [1, 2, 3] as const;

/** One measured wrk run against `instances` services. */
export type InstancesRound = Readonly<{
  instances: number;
  connections: number;
  wrk: WrkRun;
  /** Groups: instance_1 … instance_N, postgres_backends, postgres_background, redis, load_generator, bench_harness. */
  usage: ProcessUsage;
  /** Checkouts each instance answered in the window, from its /metrics. */
  checkoutsByInstance: readonly number[];
  rowsWritten: number;
  serviceCommandLines: readonly string[];
}>;

type CpuUs = Readonly<Record<string, number | null>>;

type InstanceFigures = Readonly<{
  checkouts: number;
  rps: number | null;
  cpu_cores: number | null;
  cpu_us_per_checkout: number | null;
  /** Its main thread (event loop): shares of the window on a core and waiting for one. */
  main_thread: ThreadShares | null;
}>;

export type InstancesFigures = Readonly<{
  instances: number;
  connections: number;
  rps: number | null;
  /** Checkouts/s against the 1-instance run's. */
  scaling: number | null;
  p50_ms: number;
  p99_ms: number;
  requests_answered: number;
  attempt_rows_written: number;
  is_every_attempt_durable: boolean;
  non_2xx: number;
  socket_errors: SocketErrors;
  /** node: every instance's CPU over every checkout (each checkout is answered by one instance). */
  cpu_us_per_checkout: CpuUs;
  per_instance: readonly InstanceFigures[];
  cpu_cores: CpuCores;
  /** The share of the box's CPU time left idle in the window. */
  idle_share: number | null;
  rounds: readonly Readonly<{ rps: number | null; cpu_us_per_checkout: CpuUs; idle_share: number | null }>[];
  saturation: SaturationFigures;
}>;

export type InstancesResult = BenchResult<
  InstancesFigures,
  null,
  Readonly<{ load: string; services: readonly string[] }>
>;

/**
 * A redis-server of the benchmark's own (the box's binary and persistence settings: no RDB, no
 * AOF) on a free port: the shared one at 6379 also serves other users of the box, whose commands
 * would count as the service's CPU per checkout. The first instance rebuilds the sale's keys in
 * it from Postgres, as after a Redis restart.
 */
async function startOwnRedis(ctx: RunContext): Promise<{ redisUrl: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const redis = await launchRedisServer({ port, args: ['--dir', ctx.workDir], isDetached: true });
  const stop = () => stopProcess(redis.child);
  const untrack = trackForCleanup({ stop }); // a failure or Ctrl-C stops it with everything else
  return {
    redisUrl: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await stop();
      untrack();
    },
  };
}

export async function benchInstances(benchCtx: RunContext): Promise<InstancesResult[]> {
  const redis = await startOwnRedis(benchCtx);
  try {
    benchCtx.step(`instances: a redis-server of their own at ${redis.redisUrl}`);
    return await measureInstances({ ...benchCtx, world: { ...benchCtx.world, redisUrl: redis.redisUrl } });
  } finally {
    await redis.stop();
  }
}

async function measureInstances(ctx: RunContext): Promise<InstancesResult[]> {
  const measured: InstancesRound[][] = [];
  for (const count of instanceCounts) {
    measured.push(
      await withServices(ctx, count, { workers: 1 }, async (services) => {
        const rounds: InstancesRound[] = [];
        for (let round = 1; round <= ctx.settings.rounds; round++) {
          ctx.step(
            `instances ${round}/${ctx.settings.rounds}: ${count} × flashsale serve --workers 1, wrk -t${count} -c${ctx.settings.instancesConnections}`,
          );
          rounds.push(await measureRound(ctx, services));
        }
        return rounds;
      }),
    );
  }
  return instancesResults(measured);
}

async function measureRound(ctx: RunContext, services: readonly Service[]): Promise<InstancesRound> {
  const connections = ctx.settings.instancesConnections;
  if (connections % services.length !== 0)
    throw new Error(`instancesConnections ${connections} is not a multiple of ${services.length} instances`);
  const options: WrkOptions = {
    url: services[0]!.url,
    threads: services.length,
    targets: services.map((service) => new URL(service.url).host),
    connections,
    durationS: ctx.settings.measureS,
    saleSize: ctx.saleSize,
  };
  const warmUp = await runWrk({ ...options, durationS: ctx.settings.warmUpS, offset: ctx.takeOffset() });
  ctx.advanceOffset(warmUp.nextOffset);
  const rowsBefore = await countAttempts(ctx.world);
  const metricsBefore = await scrapeAll(services);
  let loadPid: number | undefined;
  const { server: _oneServer, ...shared } = serviceProcessGroups({
    serverPid: services[0]!.pid,
    databaseName: ctx.world.databaseName,
    redisPort: new URL(ctx.world.redisUrl).port || '6379',
    loadPid: () => loadPid,
  });
  const groups: Record<string, ListPids> = {
    ...Object.fromEntries(
      services.map((service, i) => [`instance_${i + 1}`, () => processTree(service.pid)]),
    ),
    ...shared,
  };
  const sampler = sampleProcesses(groups);
  const wrk = await runWrk({
    ...options,
    offset: ctx.takeOffset(),
    onStart: (started) => {
      loadPid = started.pid;
    },
  });
  const usage = sampler.stop();
  ctx.advanceOffset(wrk.nextOffset);
  const rowsAfter = await countAttempts(ctx.world);
  const metricsAfter = await scrapeAll(services);
  return {
    instances: services.length,
    connections,
    wrk,
    usage,
    checkoutsByInstance: services.map(
      (_, i) => checkoutsAnswered(metricsAfter[i]!) - checkoutsAnswered(metricsBefore[i]!),
    ),
    rowsWritten: rowsAfter - rowsBefore,
    serviceCommandLines: services.map((service) => service.commandLine),
  };
}

const scrapeAll = (services: readonly Service[]) =>
  Promise.all(services.map((service) => scrapeMetrics(service.url)));

const checkoutsAnswered = (samples: readonly Sample[]) =>
  sumOf(samples, 'flashsale_http_requests_total', { route: 'checkout' });

const instanceGroups = (measured: InstancesRound) =>
  Array.from({ length: measured.instances }, (_, i) => `instance_${i + 1}`);

/** CPU µs per checkout by kind of process: the instances summed as `node`. */
export function cpuUsByKind(measured: InstancesRound): Record<string, number | null> {
  const { usage, wrk } = measured;
  const nodeS = instanceGroups(measured).reduce((sum, group) => sum + (usage.cpuByGroup[group] ?? 0), 0);
  const perGroup = cpuMicrosPerRequest(usage, wrk.requests);
  return {
    node: wrk.requests > 0 ? Math.round((nodeS * 1e6) / wrk.requests) : null,
    postgres_backends: perGroup.postgres_backends ?? null,
    postgres_background: perGroup.postgres_background ?? null,
    redis: perGroup.redis ?? null,
    load_generator: perGroup.load_generator ?? null,
  };
}

function idleShare(cores: CpuCores): number | null {
  return cores.machine_cores > 0 ? round(cores.idle / cores.machine_cores) : null;
}

/** Cores per kind: the instances summed as `server`, so the line reads like the checkout benchmark's. */
function coresByKind(measured: InstancesRound): CpuCores {
  const split = cpuSplit(measured.usage);
  const instances = new Set(instanceGroups(measured));
  let server = 0;
  const others: Record<string, number> = {};
  for (const [group, cores] of Object.entries<number>(split)) {
    if (instances.has(group)) server += cores;
    else others[group] = cores;
  }
  const { kernel_interrupts, steal, other, idle, machine_busy, machine_cores } = split;
  return {
    server: round(server) ?? 0,
    ...others,
    kernel_interrupts,
    steal,
    other,
    idle,
    machine_busy,
    machine_cores,
  };
}

const bestOf = (rounds: readonly InstancesRound[]): InstancesRound =>
  rounds.reduce((a, b) => (b.wrk.rps > a.wrk.rps ? b : a));

/**
 * One result per instance count, from the best round of each (the most checkouts/s: the round
 * least disturbed by other work on the box). Saturation figures use each count's own CPU per
 * checkout and the rate of one instance alone.
 */
export function instancesResults(measured: readonly (readonly InstancesRound[])[]): InstancesResult[] {
  const bests = measured.map(bestOf);
  const alone = bests.find((best) => best.instances === 1);
  const aloneRps = alone?.wrk.rps ?? 0;
  // What one instance spends per checkout, from the run where it had the box to itself.
  const aloneNodeUs = alone === undefined ? null : (cpuUsByKind(alone).node ?? null);
  return measured.map((rounds, index) => {
    const best = bests[index]!;
    const { wrk } = best;
    const cpu = cpuUsByKind(best);
    const cores = coresByKind(best);
    const saturation = deriveSaturation({
      cpuUsPerCheckout: {
        redis: cpu.redis ?? null,
        postgres: cpu.postgres_backends ?? null,
        nodePerInstance: aloneNodeUs,
      },
      perInstanceRps: aloneRps,
    });
    const perInstance = best.checkoutsByInstance.map((checkouts, i): InstanceFigures => {
      const cpuS = best.usage.cpuByGroup[`instance_${i + 1}`] ?? 0;
      return {
        checkouts,
        rps: round(checkouts / wrk.durationS, 0),
        cpu_cores: round(cpuS / best.usage.elapsedS),
        cpu_us_per_checkout: checkouts > 0 ? Math.round((cpuS * 1e6) / checkouts) : null,
        main_thread: mainThreadsOf(best.usage, `instance_${i + 1}`)[0] ?? null,
      };
    });
    const scaling = aloneRps > 0 ? wrk.rps / aloneRps : null;
    const isDurable = rounds.every((r) => r.rowsWritten >= r.wrk.requests);
    const envelopeCpu = {
      server: cpu.node ?? null,
      postgres_backends: cpu.postgres_backends ?? null,
      postgres_background: cpu.postgres_background ?? null,
      redis: cpu.redis ?? null,
      load_generator: cpu.load_generator ?? null,
    };
    return {
      id: `instances-${best.instances}`,
      title: `Instances: ${best.instances} × serve --workers 1, one Redis, one Postgres`,
      figures: {
        instances: best.instances,
        connections: best.connections,
        rps: round(wrk.rps, 0),
        scaling: round(scaling),
        p50_ms: wrk.latencyMs.p50,
        p99_ms: wrk.latencyMs.p99,
        requests_answered: wrk.requests,
        attempt_rows_written: best.rowsWritten,
        is_every_attempt_durable: isDurable,
        non_2xx: wrk.non2xx,
        socket_errors: wrk.socketErrors,
        cpu_us_per_checkout: cpu,
        per_instance: perInstance,
        cpu_cores: cores,
        idle_share: idleShare(cores),
        rounds: rounds.map((r) => ({
          rps: round(r.wrk.rps, 0),
          cpu_us_per_checkout: cpuUsByKind(r),
          idle_share: idleShare(coresByKind(r)),
        })),
        saturation,
      },
      baseline: null,
      cpu_us_per_checkout: { measured: envelopeCpu, baseline: null },
      ratio: round(scaling),
      ratio_of: 'checkouts/s with these instances / with 1 instance, same total wrk connections',
      command_lines: { load: wrk.commandLine, services: best.serviceCommandLines },
      notes: [
        `${best.instances} separate flashsale serve --workers 1 processes (own ports) on the bench's database and a redis-server of the benchmark's own (the shared one also serves other users of the box; the first instance rebuilds the sale's keys in it from Postgres); one wrk, one thread per instance (bench/checkout.lua with BENCH_TARGETS), ${best.connections} connections in all, ${wrk.durationS.toFixed(0)} s after a warm-up, best of ${rounds.length} round(s). CPU µs per checkout from /proc over the window / checkouts answered: node is every instance summed (each checkout is answered by one instance, so it is also what one instance spends per checkout), per instance its own CPU / the checkouts its /metrics counted. Saturation, from this run's CPU per checkout: Redis at 1e6 / its µs (one core: redis-server runs commands on one thread), Postgres at 1e6 / its backends' µs per core (assuming the backends spread over cores; its background processes are shared with the box and left out); instances carried = that rate / the rate of one instance alone (the 1-instance run), or / 1e6 / that run's node µs per checkout (an instance with a full core). Main thread per instance: the scheduler's time on a core and time runnable waiting for one (/proc/<pid>/task/<pid>/schedstat) over the window: what the instances, Redis, Postgres and wrk cost each other on the 2 cores.`,
      ],
      flags: [
        ...rounds.flatMap((r, i) => roundFlags(r).map((flag) => `round ${i + 1}: ${flag}`)),
        ...(best.instances === 1 && cores.other > busyBoxOtherCores
          ? [
              `other work on the box used ${cores.other.toFixed(2)} cores during this run: the rate of one instance alone, and the instances carried at it, are held down by it`,
            ]
          : []),
      ],
      rows: tableRows(best, { cpu, cores, perInstance, scaling, aloneRps, saturation }),
    };
  });
}

function roundFlags(measured: InstancesRound): string[] {
  const flags: string[] = [];
  const { wrk } = measured;
  if (measured.rowsWritten < wrk.requests)
    flags.push(`only ${measured.rowsWritten} checkout_attempts rows for ${wrk.requests} answered requests`);
  const socketErrors = Object.values(wrk.socketErrors).reduce((a, b) => a + b, 0);
  if (socketErrors > 0)
    flags.push(`wrk saw ${socketErrors} socket errors: ${JSON.stringify(wrk.socketErrors)}`);
  return flags;
}

const formatCapacity = (capacity: DependencyCapacity | null) =>
  capacity === null
    ? '-'
    : `${formatRate(capacity.saturates_at_rps_per_core)} (${capacity.cpu_us_per_checkout} µs)`;
const formatInstances = (value: number | null | undefined) =>
  value === null || value === undefined ? '-' : value.toFixed(1);

function tableRows(
  best: InstancesRound,
  {
    cpu,
    cores,
    perInstance,
    scaling,
    aloneRps,
    saturation,
  }: {
    cpu: CpuUs;
    cores: CpuCores;
    perInstance: readonly InstanceFigures[];
    scaling: number | null;
    aloneRps: number;
    saturation: SaturationFigures;
  },
): TableRow[] {
  const { wrk } = best;
  const { redis, postgres } = saturation;
  return [
    [
      'checkouts/s (best round)',
      formatRate(wrk.rps),
      `${formatRate(aloneRps)} (1 instance)`,
      formatRatio(scaling),
    ],
    ['CPU µs per checkout', formatCpuMicros({ ...cpu, server: cpu.node ?? null }), '', ''],
    [
      'per instance: checkouts/s, node µs per checkout',
      perInstance.map((i) => `${formatRate(i.rps)}, ${i.cpu_us_per_checkout ?? '-'}`).join('; '),
      '',
      '',
    ],
    [
      'per instance: main thread (event loop), share of the window',
      perInstance.map((i) => formatMainThreads(i.main_thread === null ? [] : [i.main_thread])).join('; '),
      '',
      '',
    ],
    ['p50 / p99 (wrk)', `${formatMs(wrk.latencyMs.p50)} / ${formatMs(wrk.latencyMs.p99)}`, '', ''],
    ['CPU, cores (of 2)', formatCpuSplit(cores), '', ''],
    [
      'saturates at, per core: Redis / Postgres',
      `${formatCapacity(redis)} / ${formatCapacity(postgres)}`,
      '',
      '',
    ],
    [
      'instances carried per core: Redis / Postgres',
      `${formatInstances(redis?.instances_at_measured_rate)} / ${formatInstances(postgres?.instances_at_measured_rate)}`,
      `at ${formatRate(saturation.per_instance_rps)} per instance`,
      '',
    ],
    [
      'attempt rows / answered',
      `${formatCount(best.rowsWritten)} / ${formatCount(wrk.requests)}${best.rowsWritten >= wrk.requests ? '' : ' (!)'}`,
      '',
      '',
    ],
  ];
}
