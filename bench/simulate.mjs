// Runs `flashsale simulate` as its own process at one fixed rate and reads its JSON report,
// sampling the simulator's resident memory and CPU while it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSplit } from './cpu-split.mjs';
import { sampleProcesses } from './proc-stats.mjs';
import { runProcess } from './processes.mjs';
import { cliPath } from './service.mjs';
import { splitTimeline } from './steady-window.mjs';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * `otherGroups` adds process groups to sample beside the simulator (see cpu-split.mjs), so the
 * run's CPU split shows what else kept the box busy.
 * @param {{ target: string, rps: number, durationS: number, seed: number, workDir: string,
 *   args?: string[], cpus?: string, otherGroups?: object }} options
 */
export async function runSimulate({
  target,
  rps,
  durationS,
  seed,
  workDir,
  args = [],
  cpus,
  otherGroups = {},
}) {
  const reportPath = join(workDir, `sim-${seed}-${rps}.json`);
  const simArgs = [
    cliPath,
    'simulate',
    '--target',
    target,
    '--rps',
    String(rps),
    '--duration',
    `${durationS}s`,
    '--seed',
    String(seed),
    '--progress',
    'none',
    '--report',
    reportPath,
    ...args,
  ];
  const [command, commandArgs] =
    cpus === undefined
      ? [process.execPath, simArgs]
      : ['taskset', ['-c', cpus, process.execPath, ...simArgs]];
  let sampler;
  const { code, tail } = await runProcess('flashsale simulate', command, commandArgs, {
    env: { CI: 'true' },
    timeoutMs: (durationS + 60) * 1000,
    onStart: (started) => {
      sampler = sampleProcesses({ ...otherGroups, simulator: () => [started.pid] }, { intervalMs: 100 });
    },
  });
  const usage = sampler?.stop();
  // 99 is a missed threshold; none is given here, so anything but 0 is a failed run.
  if (code !== 0) throw new Error(`flashsale simulate exited ${code}:\n${tail}`);
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  return {
    report,
    rssMaxBytes: usage?.rss.find((p) => p.group === 'simulator')?.maxBytes ?? null,
    usage,
    cpuS: usage?.cpuByGroup.simulator ?? null,
    elapsedS: usage?.elapsedS ?? null,
    // Paths from the repo root, so the line can be run again from there.
    commandLine: [...(cpus === undefined ? [] : ['taskset', '-c', cpus]), 'node', ...simArgs]
      .join(' ')
      .replace(cliPath, 'packages/cli/dist/main.js')
      .replace(reportPath, 'REPORT.json')
      .replaceAll(repoRoot, ''),
  };
}

/** Seconds at the start of a run judged apart: the simulator's own start-up. */
export const startUpS = 2;

/** The figures of one simulate run that the benchmarks judge and report. */
export function summarizeRun({ report, rssMaxBytes, cpuS, usage }) {
  const { startUp, steady } = splitTimeline(report, startUpS);
  return {
    target_rps: report.target_rps,
    achieved_rps: round(report.achieved_rps),
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
    rss_max_mb: rssMaxBytes === null ? null : round(rssMaxBytes / 2 ** 20),
    cpu_us_per_request: cpuS === null ? null : round((cpuS * 1e6) / report.requests, 0),
    steady,
    start_up: startUp,
    cpu_cores: usage === undefined ? null : cpuSplit(usage),
  };
}

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
