// The result of benchmark 1 for one service setup: the figures of its best round beside the best
// round of its baseline, every round with its paired baseline, the service's own health over the
// window (from /metrics), and flags for any attempt not durable before its answer and for any
// round the hypervisor took CPU from (steal).

import type { BareRound, Rounds, ServiceRound } from './checkout-rounds.js';
import {
  type CpuCores,
  cpuMicrosPerRequest,
  cpuSplit,
  formatCpuMicros,
  formatCpuSplit,
  formatMainThreads,
  formatUserKernel,
  mainThreadsOf,
  serverUserKernelMicros,
  type ThreadShares,
} from './cpu-split.js';
import { formatCount, formatMs, formatRate, formatRatio, round } from './format.js';
import { type CommitFigures, commitFigures } from './group-commit.js';
import type { ProcessUsage } from './proc-stats.js';
import { histogramBetween, histogramQuantile, type Sample, sumOf } from './prometheus.js';
import { formatRedisCalls, type RedisCallFigures, redisCallFigures } from './redis-calls.js';
import type { BenchResult, UserKernelMicros } from './results.js';
import type { SocketErrors, WrkRun } from './wrk.js';

type BaselineFigures = Readonly<{
  name: string;
  rps: number | null;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  rounds_rps: readonly (number | null)[];
  /** The bare server's and wrk's cores, and the hypervisor's steal meanwhile, in the best round. */
  cpu_cores: Readonly<{ server: number | null; wrk: number | null; steal: number | null }>;
  /** CPU µs per answered request: the bare server and wrk. */
  cpu_us_per_request: Readonly<Record<string, number | null>>;
  /** The bare server's CPU µs per request, its own code and the kernel's. */
  server_us_per_request: UserKernelMicros;
  /** The bare server's main thread: shares of the window on a core and waiting for one. */
  server_main_threads: readonly ThreadShares[];
  command_lines: Readonly<{ load: string; server: string }>;
}>;

type RuntimeFigures = Readonly<{
  event_loop_lag_ms: Readonly<{ p50: number | null; p99: number | null; max: number | null }>;
  gc_ms_per_s: number | null;
  major_gcs: number;
  major_gc_ms_mean: number | null;
}>;

type RoundFigures = Readonly<{
  rps: number | null;
  p50_ms: number;
  p99_ms: number;
  requests_answered: number;
  attempt_rows_written: number;
  paired_baseline: string;
  paired_baseline_rps: number | null;
  paired_ratio: number | null;
  /** Cores the hypervisor took (steal) while the paired baseline ran. */
  paired_baseline_steal: number | null;
  cpu_cores: CpuCores;
  cpu_us_per_checkout: Readonly<Record<string, number | null>>;
}>;

export type CheckoutResult = BenchResult<
  Readonly<{
    rps: number | null;
    p50_ms: number;
    p99_ms: number;
    max_ms: number;
    requests_answered: number;
    attempt_rows_written: number;
    is_every_attempt_durable: boolean;
    non_2xx: number;
    socket_errors: SocketErrors;
    /** Checkout answers by outcome (ok, item_held, …) during the window. */
    outcomes: Readonly<Record<string, number>>;
    server_side_p99_ms: number | null;
    server_runtime: RuntimeFigures;
    /** The two waits of a checkout in the service: its Redis call, then its group commit. */
    redis_calls: RedisCallFigures;
    group_commits: CommitFigures;
    cpu_cores: CpuCores;
    /** CPU µs per answered checkout by process group, over the best round's window. */
    cpu_us_per_checkout: Readonly<Record<string, number | null>>;
    /** The service's part of it: its own code (user) and the kernel's work for it (system). */
    server_us_per_checkout: UserKernelMicros;
    /** Its main threads: shares of the window on a core and waiting for one (see the notes). */
    server_main_threads: readonly ThreadShares[];
    workers: number;
    rounds: readonly RoundFigures[];
  }>,
  BaselineFigures,
  Readonly<{ load: string; service: string; baseline: string }>
> &
  Readonly<{ other_baselines: readonly (BaselineFigures & Readonly<{ ratio: number | null }>)[] }>;

/**
 * The server process's own health over the window, from prom-client's default metrics: event-loop
 * lag (prom-client resets it at each scrape, so the second scrape covers the window; with workers
 * the primary aggregates them) and garbage-collection time.
 */
function runtimeFigures(measured: ServiceRound): RuntimeFigures {
  const { metricsBefore: before, metricsAfter: after } = measured;
  const gc = (wanted: Readonly<Record<string, string>>) =>
    histogramBetween(before, after, 'flashsale_nodejs_gc_duration_seconds', wanted);
  const all = gc({});
  const major = gc({ kind: 'major' });
  const lagMs = (stat: string) =>
    round(sumOf(after, `flashsale_nodejs_eventloop_lag_${stat}_seconds`) * 1000);
  return {
    event_loop_lag_ms: { p50: lagMs('p50'), p99: lagMs('p99'), max: lagMs('max') },
    gc_ms_per_s: round((all.sum * 1000) / measured.wrk.durationS, 1),
    major_gcs: major.count,
    major_gc_ms_mean: major.count === 0 ? null : round((major.sum / major.count) * 1000),
  };
}

function formatRuntime({
  event_loop_lag_ms: lag,
  gc_ms_per_s: gcMsPerS,
  major_gcs: majorGcs,
}: RuntimeFigures): string {
  return `${formatMs(lag.p99)}; ${gcMsPerS} ms/s (${majorGcs} major)`;
}

/** Checkout answers by outcome (ok, item_held, …) during the window, from the request counter. */
function outcomesOf(measured: ServiceRound): Record<string, number> {
  const count = (samples: readonly Sample[]) => {
    const byOutcome: Record<string, number> = {};
    for (const s of samples) {
      const outcome = s.labels.outcome;
      if (
        s.name === 'flashsale_http_requests_total' &&
        s.labels.route === 'checkout' &&
        outcome !== undefined
      )
        byOutcome[outcome] = (byOutcome[outcome] ?? 0) + s.value;
    }
    return byOutcome;
  };
  const before = count(measured.metricsBefore);
  const after = count(measured.metricsAfter);
  return Object.fromEntries(
    Object.entries(after).map(([outcome, n]) => [outcome, n - (before[outcome] ?? 0)]),
  );
}

const socketErrorCount = (wrk: WrkRun) => Object.values(wrk.socketErrors).reduce((a, b) => a + b, 0);

function durabilityFlags(measured: ServiceRound): string[] {
  const flags: string[] = [];
  const outcomes = outcomesOf(measured);
  const serverErrors = (outcomes.unavailable ?? 0) + (outcomes.internal ?? 0);
  if (measured.rowsWritten < measured.wrk.requests)
    flags.push(
      `only ${measured.rowsWritten} checkout_attempts rows for ${measured.wrk.requests} answered requests (${serverErrors} answered 5xx, which are not persisted)`,
    );
  if (measured.repeatsEarlier)
    flags.push(
      "its request numbers passed the sale's size: some of its buyers and items repeat earlier requests' (answered from their holds, not new checkouts)",
    );
  const socketErrors = socketErrorCount(measured.wrk);
  if (socketErrors > 0)
    flags.push(`wrk saw ${socketErrors} socket errors: ${JSON.stringify(measured.wrk.socketErrors)}`);
  return flags;
}

/** Steal or other work of this many cores or more makes a round's req/s low for it: flagged (a tenth of a core: 5 % of a 2-core box). */
const sharedBoxFlagCores = 0.1;

const stealCores = (usage: ProcessUsage): number | null => cpuSplit(usage).steal;

/**
 * Rounds during which the side measured ran on less than the box: the hypervisor took CPU from
 * this virtual machine (steal), or processes other than the benchmark's used it (other users of
 * the box, or a build started meanwhile). Its req/s, and a ratio taken from it, say less about the code.
 */
export function sharedBoxFlags(
  service: readonly Pick<ServiceRound, 'usage'>[],
  paired: readonly Pick<BareRound, 'usage' | 'name'>[],
): string[] {
  const flags: string[] = [];
  service.forEach((r, i) => {
    const baseline = paired[i];
    for (const [side, usage] of [
      [baseline?.name ?? 'the baseline', baseline?.usage],
      ['flashsale', r.usage],
    ] as const) {
      const cores = usage === undefined ? null : cpuSplit(usage);
      const steal = cores?.steal ?? null;
      const other = cores?.other ?? null;
      if (steal !== null && steal >= sharedBoxFlagCores)
        flags.push(
          `round ${i + 1}: the hypervisor took ${steal} cores (steal) while ${side} ran: its req/s that round are low for it`,
        );
      if (other !== null && other >= sharedBoxFlagCores)
        flags.push(
          `round ${i + 1}: other processes used ${other} cores while ${side} ran: its req/s that round are low for it`,
        );
    }
  });
  return flags;
}

function baselineFigures(b: Rounds<BareRound>): BaselineFigures {
  const { wrk, usage } = b.best;
  return {
    name: b.best.name,
    rps: round(wrk.rps, 0),
    p50_ms: wrk.latencyMs.p50,
    p99_ms: wrk.latencyMs.p99,
    requests: wrk.requests,
    rounds_rps: b.rounds.map((r) => round(r.wrk.rps, 0)),
    cpu_cores: {
      server: round(usage.cpuByGroup.server / usage.elapsedS),
      wrk: round(usage.cpuByGroup.load_generator / usage.elapsedS),
      steal: stealCores(usage),
    },
    cpu_us_per_request: cpuMicrosPerRequest(usage, wrk.requests),
    server_us_per_request: serverUserKernelMicros(usage, wrk.requests),
    server_main_threads: mainThreadsOf(usage, 'server'),
    command_lines: { load: wrk.commandLine, server: b.best.commandLine },
  };
}

/**
 * Figures of the best round of each side (the most req/s: the round least disturbed by other
 * work on this shared box); every round is listed beside them, with its ratio to the `paired`
 * baseline measured just before it.
 */
export function checkoutResult(
  id: string,
  title: string,
  service: Rounds<ServiceRound>,
  {
    baseline,
    paired,
    others: otherBaselines,
  }: { baseline: Rounds<BareRound>; paired: Rounds<BareRound>; others: readonly Rounds<BareRound>[] },
): CheckoutResult {
  const measured = service.best;
  const { wrk } = measured;
  const ratio = wrk.rps / baseline.best.wrk.rps;
  const serverSeconds = histogramBetween(
    measured.metricsBefore,
    measured.metricsAfter,
    'flashsale_http_request_duration_seconds',
    { route: 'checkout' },
  );
  const flags = [
    ...service.rounds.flatMap((r, i) => durabilityFlags(r).map((flag) => `round ${i + 1}: ${flag}`)),
    ...sharedBoxFlags(service.rounds, paired.rounds),
  ];
  const others = otherBaselines.map((b) => ({
    ...baselineFigures(b),
    ratio: round(wrk.rps / b.best.wrk.rps),
  }));
  const isDurable = service.rounds.every((r) => r.rowsWritten >= r.wrk.requests);
  const runtime = runtimeFigures(measured);
  const { metricsBefore, metricsAfter } = measured;
  const redisCalls = redisCallFigures(metricsBefore, metricsAfter, 'checkout', wrk.durationS);
  const commits = commitFigures(metricsBefore, metricsAfter, 'checkout_attempts', wrk.durationS);
  const cpuMicros = cpuMicrosPerRequest(measured.usage, wrk.requests);
  const serverMicros = serverUserKernelMicros(measured.usage, wrk.requests);
  const serverThreads = mainThreadsOf(measured.usage, 'server');
  const baselineFigs = baselineFigures(baseline);
  const nodeUs = cpuMicros.server;
  const bareNodeUs = baselineFigs.cpu_us_per_request.server;
  const nodeRatio = typeof nodeUs === 'number' && typeof bareNodeUs === 'number' ? nodeUs / bareNodeUs : null;
  return {
    id,
    title,
    figures: {
      rps: round(wrk.rps, 0),
      p50_ms: wrk.latencyMs.p50,
      p99_ms: wrk.latencyMs.p99,
      max_ms: wrk.latencyMs.max,
      requests_answered: wrk.requests,
      attempt_rows_written: measured.rowsWritten,
      is_every_attempt_durable: isDurable,
      non_2xx: wrk.non2xx,
      socket_errors: wrk.socketErrors,
      outcomes: outcomesOf(measured),
      server_side_p99_ms: round(histogramQuantile(0.99, serverSeconds) * 1000),
      server_runtime: runtime,
      redis_calls: redisCalls,
      group_commits: commits,
      cpu_cores: cpuSplit(measured.usage),
      cpu_us_per_checkout: cpuMicros,
      server_us_per_checkout: serverMicros,
      server_main_threads: serverThreads,
      workers: measured.workers,
      rounds: service.rounds.map((r, i) => {
        const pairedRound = paired.rounds[i] ?? paired.best;
        return {
          rps: round(r.wrk.rps, 0),
          p50_ms: r.wrk.latencyMs.p50,
          p99_ms: r.wrk.latencyMs.p99,
          requests_answered: r.wrk.requests,
          attempt_rows_written: r.rowsWritten,
          paired_baseline: paired.best.name,
          paired_baseline_rps: round(pairedRound.wrk.rps, 0),
          paired_ratio: round(r.wrk.rps / pairedRound.wrk.rps),
          paired_baseline_steal: stealCores(pairedRound.usage),
          cpu_cores: cpuSplit(r.usage),
          cpu_us_per_checkout: cpuMicrosPerRequest(r.usage, r.wrk.requests),
        };
      }),
    },
    baseline: baselineFigs,
    other_baselines: others,
    cpu_us_per_checkout: {
      measured: cpuMicros,
      baseline: baselineFigs.cpu_us_per_request,
      node_user_kernel: { measured: serverMicros, baseline: baselineFigs.server_us_per_request },
    },
    ratio: round(ratio),
    ratio_of: 'flashsale req/s / bare node:http (1 process) req/s, best round of each, same wrk command',
    command_lines: {
      load: wrk.commandLine,
      service: measured.commandLine,
      baseline: baseline.best.commandLine,
    },
    notes: [
      `${wrk.commandLine.split(' -s ')[0]?.replace(/^.* wrk /, 'wrk ')} against each side in turn (baseline, then flashsale) in each of ${service.rounds.length} round(s), after a warm-up run; on fresh sales, a database and Redis prefix each (a full run opens one per configuration, a quick run's three share one), new buyers and items every request (bench/checkout.lua; a run that would pass the sale's size is flagged). Rows: count(*) of checkout_attempts just before and after the measured run. CPU µs per checkout: CPU time (/proc, user + system) of each process group over the measured window divided by the answered requests: node (the service's processes), pg (the Postgres backends of the bench's database), pg bg (Postgres' WAL writer, checkpointer and other background processes, shared with the box), redis (the redis-server on the service's port), wrk. node's own code (user) and the kernel's work for it (system: syscalls, loopback TCP) are /proc's utime and stime, for the bare server too. node main thread: the scheduler's time on a core and time runnable on a run queue (/proc/<pid>/task/<pid>/schedstat) of each node process that carried the load, over the window; the rest of the window it slept, waiting for I/O: an event loop rarely asleep is bound by CPU, and its waiting is what the other processes on the 2 cores cost it. In the service, mean: from /metrics around the window, flashsale_redis_call_duration_seconds and _inputs{script="checkout"} (a call carries the checkouts that arrived while the last was out) and the group commit's; each runs from send to its answer read, so it includes waiting for the event loop.`,
    ],
    flags,
    rows: [
      [
        'CPU µs per checkout',
        formatCpuMicros(cpuMicros),
        formatCpuMicros(baselineFigs.cpu_us_per_request),
        nodeRatio === null ? '' : `node ${formatRatio(nodeRatio)}`,
      ],
      [
        'node CPU µs per checkout: its own code (user), the kernel for it',
        formatUserKernel(serverMicros),
        formatUserKernel(baselineFigs.server_us_per_request),
        '',
      ],
      ['req/s (best round)', formatRate(wrk.rps), formatRate(baseline.best.wrk.rps), formatRatio(ratio)],
      ...others.map(
        (b) =>
          [
            'req/s vs bare x2 (cluster)',
            formatRate(wrk.rps),
            formatRate(b.rps),
            formatRatio(b.ratio),
          ] as const,
      ),
      [
        'p50 / p99 (wrk)',
        `${formatMs(wrk.latencyMs.p50)} / ${formatMs(wrk.latencyMs.p99)}`,
        `${formatMs(baseline.best.wrk.latencyMs.p50)} / ${formatMs(baseline.best.wrk.latencyMs.p99)}`,
        '',
      ],
      [
        'node main thread (event loop), share of the window',
        formatMainThreads(serverThreads),
        formatMainThreads(baselineFigs.server_main_threads),
        '',
      ],
      ['CPU, cores (of 2)', formatCpuSplit(cpuSplit(measured.usage)), '', ''],
      ['server event-loop lag p99; GC', formatRuntime(runtime), '', ''],
      [
        'in the service, mean: Redis call; group commit',
        `${formatRedisCalls(redisCalls)}; ${formatMs(commits.commit_ms_mean)} (${commits.rows_per_round_trip_mean ?? '-'} a trip)`,
        '',
        '',
      ],
      [
        'attempt rows / answered',
        `${formatCount(measured.rowsWritten)} / ${formatCount(wrk.requests)}${isDurable ? '' : ' (!)'}`,
        '',
        '',
      ],
    ],
  };
}
