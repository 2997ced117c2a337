// `pnpm bench [--quick] [--only a,b] [--out FILE]`: runs every benchmark with its baseline in
// this one invocation, prints a table and writes the results as JSON (bench/results.json, or
// .out/bench/results-quick.json with --quick). It makes its own Postgres database and Redis key
// prefix and removes them, and stops everything it started, on success, failure or Ctrl-C.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { CheckoutResult } from './checkout-result.js';
import { benchFullFlow, type FullFlowResult } from './full-flow.js';
import { type GroupCommitResult, groupCommitResult } from './group-commit.js';
import { benchInstances, type InstancesResult } from './instances.js';
import { machineFacts } from './machine.js';
import { benchMemory, type MemoryResult } from './memory.js';
import { benchSaleSize, settingsByMode } from './modes.js';
import { benchRedisScript, type RedisScriptResult } from './redis-script.js';
import { repoRoot } from './repo-paths.js';
import { mergeResults, type ResultsDocument, readResultsDocument, resultsFormat } from './results.js';
import { benchRollover, type RolloverResult } from './rollover.js';
import { type BenchmarkName, benchmarkNames, parseRunFlags, type RunFlags } from './run-flags.js';
import { benchServerCheckout } from './server-checkout.js';
import { openBenchSale, withOwnSale } from './service.js';
import { type RunContext, step, withBenchSession } from './session.js';
import { benchSimulator, type SimulatorResult } from './simulator.js';
import { renderFlags, renderTable } from './table.js';
import { formatStalls, probeVcpuStalls } from './vcpu-stalls.js';
import { ensureWrk } from './wrk.js';

/** How long the vCPU stall probe spins before the benchmarks. */
const stallProbeS = 2;

/** A full run sets the figures behind the README; a quick one goes to .out/ (ignored by git and Biome). */
function defaultOutPath(flags: RunFlags): string {
  return flags.mode === 'full'
    ? join(repoRoot, 'bench', 'results.json')
    : join(repoRoot, '.out', 'bench', 'results-quick.json');
}

/** Every result a benchmark of this run makes. */
type AnyBenchResult =
  | CheckoutResult
  | GroupCommitResult
  | FullFlowResult
  | SimulatorResult
  | MemoryResult
  | RolloverResult
  | InstancesResult
  | RedisScriptResult;

type CheckoutOutput = Awaited<ReturnType<typeof benchServerCheckout>>;
/** What a benchmark hands on to those after it (the checkout load's figures). */
type Earlier = { checkout?: CheckoutOutput };
type Runner = (ctx: RunContext, earlier: Earlier) => Promise<readonly AnyBenchResult[]>;

/** One runner per benchmark name: a name that parses cannot be left without one. */
const runners: { readonly [Name in BenchmarkName]: Runner } = {
  async checkout(ctx, earlier) {
    earlier.checkout = await benchServerCheckout(ctx);
    return [...earlier.checkout.results, groupCommitResult(earlier.checkout.measurements)];
  },
  async 'full-flow'(ctx, earlier) {
    const checkoutRpsHint = earlier.checkout?.results[0]?.figures.rps ?? 4000;
    // On a sale of its own: the checkout benchmark's holds would refuse most of its buyers.
    return [await withOwnSale(ctx, (own) => benchFullFlow(own, { checkoutRpsHint }))];
  },
  simulator: async (ctx) => [await benchSimulator(ctx)],
  // parseRunFlags refuses memory without checkout: server memory is sampled under its load.
  memory: async (ctx, { checkout }) =>
    checkout === undefined ? [] : [await benchMemory(ctx, checkout.measurements)],
  rollover: async (ctx) => [await benchRollover(ctx)],
  instances: (ctx) => benchInstances(ctx),
  'redis-script': async (ctx) => [await benchRedisScript(ctx)],
};

async function runBenchmarks(ctx: RunContext, { only }: RunFlags): Promise<AnyBenchResult[]> {
  // The session's sale is the instances benchmark's, and the memory benchmark reports what opening
  // it cost. The checkout configurations and the full flow open sales of their own, the rollover
  // benchmark runs a service with short sales, the Redis script one a redis-server of its own, and
  // the simulator loads a bare server.
  if (only.some((name) => name === 'instances' || name === 'memory')) {
    ctx.step(`opening the sale: ${ctx.saleSize.toLocaleString('en-US')} items`);
    ctx.sale = await openBenchSale(ctx);
    ctx.step(`sale ${ctx.sale.saleId} open in ${ctx.sale.openS} s`);
  }
  const results: AnyBenchResult[] = [];
  const earlier: Earlier = {};
  for (const name of benchmarkNames)
    if (only.includes(name)) results.push(...(await runners[name](ctx, earlier)));
  return results;
}

/**
 * The results file this run writes over, when there is one: a run with --only keeps the other
 * benchmarks' results. A file that is not a results document is replaced (and said so).
 */
function previousResults(path: string): ResultsDocument<AnyBenchResult> | null {
  if (!existsSync(path)) return null;
  const read = readResultsDocument(readFileSync(path, 'utf8'), path);
  if (!read.ok) {
    step(`${read.message}: replacing it`);
    return null;
  }
  return read.document as ResultsDocument<AnyBenchResult>;
}

async function main(): Promise<void> {
  const parsed = parseRunFlags(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(parsed.message);
    process.exitCode = 2;
    return;
  }
  const { flags } = parsed;
  const { mode } = flags;
  const startedMs = Date.now();
  const command = `pnpm bench${mode === 'quick' ? ' --quick' : ''}`;
  step(`${command}: ${flags.only.join(', ')}`);
  const wrkVersion = ensureWrk();
  const stalls = await probeVcpuStalls(stallProbeS, os.cpus().length);
  step(`vCPUs taken away: ${formatStalls(stalls)}`);
  const machine = { ...machineFacts({ wrkVersion }), vcpu_stalls_at_start: stalls };
  const settings = settingsByMode[mode];
  const results = await withBenchSession({ mode, settings, saleSize: benchSaleSize }, (ctx) =>
    runBenchmarks(ctx, flags),
  );
  const finishedMs = Date.now();
  const document: ResultsDocument<AnyBenchResult> = {
    format: resultsFormat,
    mode,
    command: `${command}${flags.onlyText === undefined ? '' : ` --only ${flags.onlyText}`}`,
    started_at: new Date(startedMs).toISOString(),
    finished_at: new Date(finishedMs).toISOString(),
    duration_s: Math.round((finishedMs - startedMs) / 1000),
    machine,
    settings: { ...settings, sale_size: benchSaleSize },
    benchmarks: results.map((result) => ({ ...result, machine })),
  };
  const outPath = flags.outPath ?? defaultOutPath(flags);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(mergeResults(previousResults(outPath), document), null, 2)}\n`);
  console.log(renderTable(results));
  const flagLines = renderFlags(results);
  if (flagLines !== '') console.log(flagLines);
  step(`wrote ${relative(process.cwd(), outPath)}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
