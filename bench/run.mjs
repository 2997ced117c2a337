// `pnpm bench [--quick] [--only a,b] [--out FILE]`: runs every benchmark with its baseline in
// this one invocation, prints a table and writes the results as JSON (bench/results.json, or
// .out/bench/results-quick.json with --quick). It makes its own Postgres database and Redis key
// prefix and removes them, and stops everything it started, on success, failure or Ctrl-C.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchFullFlow } from './full-flow.mjs';
import { groupCommitResult } from './group-commit.mjs';
import { machineFacts } from './machine.mjs';
import { benchMemory } from './memory.mjs';
import { benchServerCheckout } from './server-checkout.mjs';
import { openBenchSale } from './service.mjs';
import { step, withBenchSession } from './session.mjs';
import { benchSimulator } from './simulator.mjs';
import { renderFlags, renderTable } from './table.mjs';
import { ensureWrk } from './wrk.mjs';

/** Seconds and counts of each mode; quick stays under 2 minutes, full under 10. */
const settingsByMode = {
  full: {
    rounds: 2,
    warmUpS: 3,
    measureS: 10,
    connections: 50,
    manyConnections: 200,
    stepS: 8,
    searchRuns: 6,
    lateSearchRuns: 3,
    simulatorStartRps: 4000,
    memoryRps: 4000,
    memoryS: 15,
  },
  quick: {
    rounds: 1,
    warmUpS: 1,
    measureS: 3,
    connections: 50,
    manyConnections: 200,
    stepS: 4,
    searchRuns: 2,
    lateSearchRuns: 0,
    simulatorStartRps: 4000,
    memoryRps: 3000,
    memoryS: 3,
  },
};
const saleSize = 1_000_000;
const benchmarkNames = ['checkout', 'full-flow', 'simulator', 'memory'];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const mode = values.quick ? 'quick' : 'full';
const only = values.only?.split(',') ?? benchmarkNames;
const unknown = only.filter((name) => !benchmarkNames.includes(name));
if (unknown.length > 0) {
  console.error(
    `--only: unknown benchmark ${unknown.join(', ')}; expected some of ${benchmarkNames.join(', ')}`,
  );
  process.exit(2);
}
if (only.includes('memory') && !only.includes('checkout')) {
  console.error('--only: memory needs checkout (server memory is sampled under its load)');
  process.exit(2);
}
// A quick run never replaces the full run's figures behind the README; it goes to .out/ (ignored
// by git and Biome) with the other run outputs of the project.
const outPath =
  values.out ??
  fileURLToPath(
    new URL(mode === 'full' ? './results.json' : '../.out/bench/results-quick.json', import.meta.url),
  );

const startedMs = Date.now();

async function runBenchmarks(ctx) {
  const results = [];
  ctx.step(`opening the sale: ${saleSize.toLocaleString('en-US')} items`);
  ctx.sale = await openBenchSale(ctx);
  ctx.step(`sale ${ctx.sale.saleId} open in ${ctx.sale.openS} s`);
  let checkout;
  if (only.includes('checkout')) {
    checkout = await benchServerCheckout(ctx);
    results.push(...checkout.results, groupCommitResult(checkout.measurements));
  }
  if (only.includes('full-flow')) {
    const checkoutRpsHint = checkout?.results[0].figures.rps ?? 4000;
    results.push(await benchFullFlow(ctx, { checkoutRpsHint }));
  }
  if (only.includes('simulator')) results.push(await benchSimulator(ctx));
  if (only.includes('memory')) results.push(await benchMemory(ctx, checkout.measurements));
  return results;
}

async function main() {
  step(`pnpm bench${mode === 'quick' ? ' --quick' : ''}: ${only.join(', ')}`);
  const wrkVersion = ensureWrk();
  const machine = machineFacts({ wrkVersion });
  const results = await withBenchSession({ mode, settings: settingsByMode[mode], saleSize }, runBenchmarks);
  const finishedMs = Date.now();
  const document = {
    format: 'flashsale-bench@1',
    mode,
    command: `pnpm bench${mode === 'quick' ? ' --quick' : ''}${values.only ? ` --only ${values.only}` : ''}`,
    started_at: new Date(startedMs).toISOString(),
    finished_at: new Date(finishedMs).toISOString(),
    duration_s: Math.round((finishedMs - startedMs) / 1000),
    machine,
    settings: { ...settingsByMode[mode], sale_size: saleSize },
    benchmarks: results.map((result) => ({ ...result, machine })),
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(document, null, 2)}\n`);
  console.log(renderTable(results));
  const flags = renderFlags(results);
  if (flags !== '') console.log(flags);
  step(`wrote ${relative(process.cwd(), outPath)}`);
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
