// Benchmark 5: memory. Server: resident memory of each service process, sampled every 250 ms
// during the measured checkout windows of benchmark 1, beside the bare server's under the same
// load. Simulator: resident memory per 100,000 live buyers. `--users` itself allocates nothing
// (a buyer is an index until it shops), so what grows is the sessions in flight: buyers here
// check out, then think for 60 s, so every request of a shorter run starts a session that stays
// alive, and the slope of RSS over live sessions is the cost of a buyer.
import { fileURLToPath } from 'node:url';
import { startBareServer } from './bare-baseline.mjs';
import { formatMb, formatRatio, round } from './format.mjs';
import { runSimulate, startUpS } from './simulate.mjs';

const scenarioPath = fileURLToPath(new URL('./memory-scenario.json', import.meta.url));

/** RSS of the service's processes over every measured round (a primary apart from its workers). */
function serverRss({ rounds }) {
  const { workers, primaryPid } = rounds[0];
  const processes = rounds.flatMap((round) => round.usage.rss.filter((p) => p.group === 'server'));
  const workerProcesses = workers > 1 ? processes.filter((p) => p.pid !== primaryPid) : processes;
  const primary = workers > 1 ? processes.filter((p) => p.pid === primaryPid) : [];
  return {
    workers,
    worker_rss_max_bytes: Math.max(...workerProcesses.map((p) => p.maxBytes)),
    worker_rss_mean_bytes: Math.round(
      workerProcesses.reduce((sum, p) => sum + p.meanBytes, 0) / workerProcesses.length,
    ),
    primary_rss_max_bytes: primary.length === 0 ? null : Math.max(...primary.map((p) => p.maxBytes)),
  };
}

/** Least-squares slope of y over x. */
export function slope(points) {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const { x, y } of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

/** Sessions started by an epoch time, from the report's per-second `sent` counts. */
function sessionsBy(report, atMs) {
  let total = 0;
  for (const second of report.timeline) {
    const fraction = Math.min(1, Math.max(0, (atMs - second.at_ms) / 1000));
    total += second.sent * fraction;
  }
  return total;
}

async function measureSimulatorMemory(ctx) {
  const bare = await startBareServer({ workers: 1 });
  try {
    const run = await runSimulate({
      target: bare.url,
      rps: ctx.settings.memoryRps,
      durationS: ctx.settings.memoryS,
      seed: ctx.nextSeed(),
      workDir: ctx.workDir,
      args: ['--scenario', scenarioPath, '--sale-size', String(ctx.saleSize)],
      rssIntervalMs: 100,
    });
    const sessions = run.report.by_endpoint.checkout.requests;
    // From the end of the simulator's start-up (its warm-up and first-second garbage) to the end
    // of the schedule.
    const fromMs = Date.parse(run.report.started_at) + startUpS * 1000;
    const toMs = Date.parse(run.report.started_at) + run.report.duration_ms;
    const points = run.rssTimeline
      .filter(({ atMs }) => atMs >= fromMs && atMs <= toMs)
      .map(({ atMs, bytes }) => ({ x: sessionsBy(run.report, atMs), y: bytes }));
    const bytesPerSession = slope(points);
    return {
      sessions_started: sessions,
      purchases: run.report.by_endpoint.purchase.requests,
      rss_at_start_bytes: run.rssTimeline[0]?.bytes ?? null,
      rss_max_bytes: run.rssMaxBytes,
      samples_fitted: points.length,
      bytes_per_live_buyer: round(bytesPerSession, 0),
      mb_per_100k_live_buyers: round((bytesPerSession * 100_000) / 2 ** 20, 1),
      commandLine: run.commandLine,
    };
  } finally {
    await bare.process.stop();
  }
}

export async function benchMemory(ctx, { server1, server2, bare1 }) {
  ctx.step(
    `memory: simulate ${ctx.settings.memoryRps}/s for ${ctx.settings.memoryS} s, buyers thinking 60 s`,
  );
  const simulator = await measureSimulatorMemory(ctx);
  const one = serverRss(server1);
  const two = serverRss(server2);
  const bareRss = Math.max(
    ...bare1.rounds.flatMap((round) =>
      round.usage.rss.filter((p) => p.group === 'server').map((p) => p.maxBytes),
    ),
  );
  const ratio = one.worker_rss_max_bytes / bareRss;
  const flags = [];
  if (one.worker_rss_max_bytes > 150 * 2 ** 20)
    flags.push('server RSS under load is above the 150 MB per worker target');
  if (simulator.samples_fitted < 10)
    flags.push(`only ${simulator.samples_fitted} RSS samples for the simulator slope`);
  return {
    id: 'memory',
    title: 'Memory: server RSS under checkout load, simulator RSS per 100k buyers',
    figures: {
      server_workers_1: one,
      server_workers_2: two,
      sale_opener_rss_bytes: ctx.sale.openerRssBytes,
      sale_open_s: ctx.sale.openS,
      simulator: { ...simulator, commandLine: undefined },
    },
    baseline: { name: 'bare node:http under the same wrk load', rss_max_bytes: bareRss },
    ratio: round(ratio),
    ratio_of: 'flashsale worker RSS max / bare node:http RSS max, both under checkout load',
    command_lines: { simulator: simulator.commandLine, server_load: server1.best.wrk.commandLine },
    notes: [
      'Server: VmRSS from /proc every 250 ms during the measured wrk windows of the checkout benchmark, in processes started after the sale was open. The process that opened the 1,000,000-item sale is measured apart, right after GET /sale returned (then stopped).',
      `Simulator: one process, ${ctx.settings.memoryRps}/s for ${ctx.settings.memoryS} s against the bare server, buyers from bench/memory-scenario.json (check out one item, then think 60 s, so none finishes during the run); MB per 100k = least-squares slope of VmRSS (sampled every 100 ms) over sessions started, from the end of the simulator's start-up (${startUpS} s) to the end of the schedule; RSS moves in steps as the heap grows, so short runs (--quick) give a rough figure. The 1,000,000-item sale costs the simulator a fixed ~13 MB (its sold and held item arrays), included in its RSS at start.`,
    ],
    flags,
    rows: [
      [
        'server RSS max per worker, 1 worker',
        formatMb(one.worker_rss_max_bytes),
        formatMb(bareRss),
        formatRatio(ratio),
      ],
      ['server RSS max per worker, 2 workers', formatMb(two.worker_rss_max_bytes), '', ''],
      ['server RSS right after opening the 1M-item sale', formatMb(ctx.sale.openerRssBytes), '', ''],
      ['simulator RSS per 100k live buyers', `${simulator.mb_per_100k_live_buyers} MB`, '', ''],
      [
        'simulator RSS start / max',
        `${formatMb(simulator.rss_at_start_bytes)} / ${formatMb(simulator.rss_max_bytes)} (${simulator.sessions_started.toLocaleString('en-US')} buyers)`,
        '',
        '',
      ],
    ],
  };
}
