// Runs `flashsale simulate` as its own process at one fixed rate and reads its JSON report,
// sampling the simulator's resident memory and CPU while it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliMainPath } from '@flashsale/cli';
import { gcNodeFlags } from '@flashsale/server';
import { parseReport, type SimReport } from '@flashsale/sim';
import { type CpuCores, cpuSplit, mainThreadsOf, type ThreadShares } from './cpu-split.js';
import { durationFlag } from './duration-flag.js';
import { round } from './format.js';
import {
  type ListPids,
  type ProcessSampler,
  type ProcessUsage,
  readCpuSeconds,
  sampleProcesses,
} from './proc-stats.js';
import { runProcess } from './processes.js';
import { repoRelative } from './repo-paths.js';
import { splitTimeline, type WindowFigures } from './steady-window.js';

export type SimulateOptions = Readonly<{
  target: string;
  rps: number;
  durationS: number;
  seed: number;
  workDir: string;
  /** More flags for simulate (a scenario, the sale's size). */
  args?: readonly string[];
  /** taskset's CPU list; unpinned when absent. */
  cpus?: string;
  /** Process groups sampled beside the simulator (see cpu-split.ts): what else kept the box busy. */
  otherGroups?: Readonly<Record<string, ListPids>>;
}>;

export type SimulateRun = Readonly<{
  report: SimReport;
  rssMaxBytes: number | null;
  usage: ProcessUsage | undefined;
  cpuS: number | null;
  elapsedS: number | null;
  /** The simulator's CPU seconds so far, read every 100 ms: [epoch ms, seconds]. */
  cpuSeries: readonly (readonly [number, number])[];
  commandLine: string;
}>;

/** The figures of one simulate run that the benchmarks judge and report. */
export type RunSummary = Readonly<{
  target_rps: number;
  achieved_rps: number | null;
  requests: number;
  dropped: number;
  late: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  checkout_p99_ms: number;
  purchase_p99_ms: number;
  checkouts: number;
  purchases: number;
  send_lag_p99_ms: number;
  schedule_lag_p99_ms: number;
  saturated: boolean;
  rss_max_mb: number | null;
  cpu_us_per_request: number | null;
  /**
   * CPU per request over the steady seconds alone (the simulator's CPU from the start of second
   * `startUpS` to the end of the last whole second, per request answered in them): what each
   * request costs once start-up (process start, warm-up, JIT) and the final report are left out.
   */
  steady_cpu_us_per_request: number | null;
  steady: WindowFigures;
  start_up: WindowFigures;
  /** The main threads of the service (when sampled) and of the simulator: on a core, waiting for one. */
  main_threads: Readonly<{ server: readonly ThreadShares[]; simulator: readonly ThreadShares[] }> | null;
  cpu_cores: CpuCores | null;
}>;

/** Seconds at the start of a run judged apart: the simulator's own start-up. */
export const startUpS = 2;

export async function runSimulate({
  target,
  rps,
  durationS,
  seed,
  workDir,
  args = [],
  cpus,
  otherGroups = {},
}: SimulateOptions): Promise<SimulateRun> {
  const reportPath = join(workDir, `sim-${seed}-${rps}.json`);
  const simArgs = [
    // The simulator's GC pauses count in its latencies (it measures from the intended send time):
    // it runs with the service's heap sizes (see gcNodeFlags).
    ...gcNodeFlags,
    cliMainPath,
    'simulate',
    '--target',
    target,
    '--rps',
    String(rps),
    '--duration',
    durationFlag(durationS * 1000),
    '--seed',
    String(seed),
    '--progress',
    'none',
    '--report',
    reportPath,
    // The benchmarks load checkout and purchase only: no buyer reads the item list, so the
    // flashsale side and the bare baseline (which has none) meet the same requests.
    '--items-refresh',
    '0',
    ...args,
  ];
  const [command, commandArgs] =
    cpus === undefined
      ? [process.execPath, simArgs]
      : ['taskset', ['-c', cpus, process.execPath, ...simArgs]];
  let sampler: ProcessSampler<string> | undefined;
  const cpuSeries: [number, number][] = [];
  let seriesTimer: NodeJS.Timeout | undefined;
  const { code, tail } = await runProcess('flashsale simulate', command, commandArgs, {
    env: { CI: 'true' },
    timeoutMs: (durationS + 60) * 1000,
    onStart: (started) => {
      sampler = sampleProcesses({ ...otherGroups, simulator: () => [started.pid] }, { intervalMs: 100 });
      seriesTimer = setInterval(() => {
        const cpuS = readCpuSeconds(started.pid);
        if (cpuS !== undefined) cpuSeries.push([Date.now(), cpuS]);
      }, 100);
    },
  });
  clearInterval(seriesTimer);
  const usage = sampler?.stop();
  // 99 is a missed threshold; none is given here, so anything but 0 is a failed run.
  if (code !== 0) throw new Error(`flashsale simulate exited ${code}:\n${tail}`);
  const report = parseReport(readFileSync(reportPath, 'utf8'), reportPath);
  return {
    report,
    rssMaxBytes: usage?.rss.find((p) => p.group === 'simulator')?.maxBytes ?? null,
    usage,
    cpuS: usage?.cpuByGroup.simulator ?? null,
    elapsedS: usage?.elapsedS ?? null,
    cpuSeries,
    commandLine: repoRelative(
      [...(cpus === undefined ? [] : ['taskset', '-c', cpus]), 'node', ...simArgs]
        .join(' ')
        .replace(reportPath, 'REPORT.json'),
    ),
  };
}

/** CPU µs per request answered in the steady seconds (see RunSummary), or null when too short to say. */
export function steadyCpuUsPerRequest(
  report: Pick<SimReport, 'duration_ms' | 'timeline'>,
  cpuSeries: readonly (readonly [number, number])[],
  startUpS: number,
): number | null {
  const scheduleS = Math.floor(report.duration_ms / 1000);
  const seconds = report.timeline.filter((second) => second.t >= startUpS && second.t < scheduleS);
  const first = seconds[0];
  const last = seconds.at(-1);
  if (first === undefined || last === undefined) return null;
  // The reading at or just before a moment (samples are 100 ms apart).
  const cpuAt = (atMs: number) => cpuSeries.findLast(([sampledMs]) => sampledMs <= atMs)?.[1];
  const fromS = cpuAt(first.at_ms);
  const toS = cpuAt(last.at_ms + 1000);
  const done = seconds.reduce((total, second) => total + second.done, 0);
  if (fromS === undefined || toS === undefined || done === 0) return null;
  return Math.round(((toS - fromS) * 1e6) / done);
}

export function summarizeRun({ report, rssMaxBytes, cpuS, usage, cpuSeries }: SimulateRun): RunSummary {
  const { startUp, steady } = splitTimeline(report, startUpS);
  return {
    target_rps: report.target_rps,
    achieved_rps: round(report.achieved_rps, 1),
    requests: report.requests,
    dropped: report.dropped,
    late: report.late,
    errors: report.errors,
    p50_ms: report.latency_ms.p50,
    p99_ms: report.latency_ms.p99,
    checkout_p99_ms: report.by_endpoint.checkout.latency_ms.p99,
    purchase_p99_ms: report.by_endpoint.purchase.latency_ms.p99,
    checkouts: report.by_endpoint.checkout.requests,
    purchases: report.by_endpoint.purchase.requests,
    send_lag_p99_ms: report.generator.send_lag_ms.p99,
    schedule_lag_p99_ms: report.generator.schedule_lag_ms.p99,
    saturated: report.generator.is_saturated,
    rss_max_mb: rssMaxBytes === null ? null : round(rssMaxBytes / 2 ** 20, 1),
    cpu_us_per_request: cpuS === null ? null : round((cpuS * 1e6) / report.requests, 0),
    steady_cpu_us_per_request: steadyCpuUsPerRequest(report, cpuSeries, startUpS),
    steady,
    start_up: startUp,
    cpu_cores: usage === undefined ? null : cpuSplit(usage),
    main_threads:
      usage === undefined
        ? null
        : { server: mainThreadsOf(usage, 'server'), simulator: mainThreadsOf(usage, 'simulator') },
  };
}
