// Benchmark 5: memory. Server: resident memory of each service process, sampled every 250 ms
// during the measured checkout windows of benchmark 1, beside the bare server's under the same
// load. Simulator: resident memory per 100,000 live buyers (`--users` itself allocates nothing:
// a buyer is an index until it shops, so what costs memory is the sessions alive at a time).
import { fileURLToPath } from 'node:url';
import { startBareServer } from './bare-baseline.js';
import type { BareRound, CheckoutMeasurements, ServiceRound } from './checkout-rounds.js';
import { formatMb, formatRatio, round } from './format.js';
import type { BenchResult } from './results.js';
import type { RunContext } from './session.js';
import { runSimulate } from './simulate.js';

type ServerRss = Readonly<{
  workers: number;
  worker_rss_max_bytes: number;
  worker_rss_mean_bytes: number;
  primary_rss_max_bytes: number | null;
}>;

type SimulatorMemory = Readonly<{
  live_buyers_at_end: number;
  rss_max_bytes_thinking: number | null;
  rss_max_bytes_no_think: number | null;
  bytes_per_live_buyer: number | null;
  mb_per_100k_live_buyers: number | null;
}>;

export type MemoryResult = BenchResult<
  Readonly<{
    server_workers_1: ServerRss;
    server_workers_2: ServerRss;
    sale_opener_rss_bytes: number | null;
    sale_open_s: number | null;
    simulator: SimulatorMemory;
  }>,
  Readonly<{ name: string; rss_max_bytes: number }>,
  Readonly<{ simulator: string; server_load: string }>
>;

/** RSS of the service's processes over every measured round (a primary apart from its workers). */
function serverRss({ rounds }: { rounds: readonly ServiceRound[] }): ServerRss {
  const workers = rounds[0]?.workers ?? 1;
  const primaryPid = rounds[0]?.primaryPid;
  const processes = rounds.flatMap((r) => r.usage.rss.filter((p) => p.group === 'server'));
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

const scenarios = {
  thinking: fileURLToPath(new URL('../memory-thinking-scenario.json', import.meta.url)),
  noThink: fileURLToPath(new URL('../memory-no-think-scenario.json', import.meta.url)),
};

/**
 * Two runs at the same rate for the same time against the bare server: buyers who check out and
 * then think for 60 s (every session stays alive to the end), and buyers who buy at once (hardly
 * any session alive at a time). The difference of their peak RSS, over the sessions alive at the
 * end of the first, is the memory of a live buyer; everything else (histograms, sockets, the sale's
 * item arrays, the heap's start-up garbage) is the same in both.
 */
async function measureSimulatorMemory(ctx: RunContext): Promise<SimulatorMemory & { commandLine: string }> {
  const bare = await startBareServer({ workers: 1 });
  try {
    const run = (scenario: string) =>
      runSimulate({
        target: bare.url,
        rps: ctx.settings.memoryRps,
        durationS: ctx.settings.memoryS,
        seed: ctx.nextSeed(),
        workDir: ctx.workDir,
        args: ['--scenario', scenario, '--sale-size', String(ctx.saleSize)],
      });
    const thinking = await run(scenarios.thinking);
    const noThink = await run(scenarios.noThink);
    const liveBuyers =
      thinking.report.by_endpoint.checkout.requests - thinking.report.by_endpoint.purchase.requests;
    const bytesPerBuyer =
      thinking.rssMaxBytes === null || noThink.rssMaxBytes === null
        ? Number.NaN
        : (thinking.rssMaxBytes - noThink.rssMaxBytes) / liveBuyers;
    return {
      live_buyers_at_end: liveBuyers,
      rss_max_bytes_thinking: thinking.rssMaxBytes,
      rss_max_bytes_no_think: noThink.rssMaxBytes,
      bytes_per_live_buyer: round(bytesPerBuyer, 0),
      mb_per_100k_live_buyers: round((bytesPerBuyer * 100_000) / 2 ** 20, 1),
      commandLine: thinking.commandLine,
    };
  } finally {
    await bare.process.stop();
  }
}

export async function benchMemory(
  ctx: RunContext,
  { server1, server2, bare1 }: CheckoutMeasurements,
): Promise<MemoryResult> {
  ctx.step(
    `memory: simulate ${ctx.settings.memoryRps}/s for ${ctx.settings.memoryS} s, buyers thinking 60 s, then buying at once`,
  );
  const { commandLine: simulatorCommandLine, ...simulator } = await measureSimulatorMemory(ctx);
  const one = serverRss(server1);
  const two = serverRss(server2);
  const bareRss = Math.max(
    ...bare1.rounds.flatMap((r: BareRound) =>
      r.usage.rss.filter((p) => p.group === 'server').map((p) => p.maxBytes),
    ),
  );
  const ratio = one.worker_rss_max_bytes / bareRss;
  const flags: string[] = [];
  if (one.worker_rss_max_bytes > 150 * 2 ** 20)
    flags.push('server RSS under load is above the 150 MB per worker target');
  if (!((simulator.bytes_per_live_buyer ?? Number.NaN) > 0))
    flags.push('the run with live buyers did not peak above the one without: no per-buyer figure');
  return {
    id: 'memory',
    title: 'Memory: server RSS under checkout load, simulator RSS per 100k buyers',
    figures: {
      server_workers_1: one,
      server_workers_2: two,
      sale_opener_rss_bytes: ctx.sale?.openerRssBytes ?? null,
      sale_open_s: ctx.sale?.openS ?? null,
      simulator,
    },
    baseline: { name: 'bare node:http under the same wrk load', rss_max_bytes: bareRss },
    ratio: round(ratio),
    ratio_of: 'flashsale worker RSS max / bare node:http RSS max, both under checkout load',
    command_lines: { simulator: simulatorCommandLine, server_load: server1.best.wrk.commandLine },
    notes: [
      'Server: VmRSS from /proc every 250 ms during the measured wrk windows of the checkout benchmark, in processes started after the sale was open. The process that opened the 1,000,000-item sale is measured apart, right after GET /sale returned (then stopped).',
      `Simulator: two runs of one process, ${ctx.settings.memoryRps}/s for ${ctx.settings.memoryS} s each against the bare server: buyers who check out one item and think 60 s (bench/memory-thinking-scenario.json: every session is still alive at the end) and buyers who buy at once (bench/memory-no-think-scenario.json). Per 100k = (peak VmRSS of the first - peak VmRSS of the second) / buyers alive at the end of the first x 100,000; the rest of the simulator's memory (histograms, sockets, the 1,000,000-item sale's arrays, ~13 MB) is in both. \`--users\` allocates nothing per buyer: a buyer is an index until its session starts.`,
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
      ['server RSS right after opening the 1M-item sale', formatMb(ctx.sale?.openerRssBytes), '', ''],
      ['simulator RSS per 100k live buyers', `${simulator.mb_per_100k_live_buyers} MB`, '', ''],
      [
        'simulator peak RSS: live buyers / buying at once',
        `${formatMb(simulator.rss_max_bytes_thinking)} / ${formatMb(simulator.rss_max_bytes_no_think)} (${simulator.live_buyers_at_end.toLocaleString('en-US')} live buyers)`,
        '',
        '',
      ],
    ],
  };
}
