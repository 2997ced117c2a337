// `flashsale run`: serve + simulate + verify against the same databases, as one CI gate. runAll
// is the list of steps, each in a file of its own; what they share is a RunContext.
// Ctrl-C: see run/interruption.ts. Whatever run started is stopped on every way out.
import { mkdir } from 'node:fs/promises';
import type { SimReport } from '@flashsale/sim';
import type pg from 'pg';
import type { FaultRecord } from '../chaos/injector.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { findLedgerSales } from '../verify/ledger-sales.js';
import type { VerifyReport } from '../verify/report.js';
import { pickSalePeriod } from './fresh-sale.js';
import { RunAborted, watchInterrupts } from './interruption.js';
import { parseLoadOptions } from './load-options.js';
import { loadWithFaults } from './load-with-faults.js';
import { pathsIn, writeAbortedOutputs, writeVerdict } from './outputs.js';
import { prepareStores } from './prepare-stores.js';
import type { RunContext } from './run-context.js';
import type { RunOptions, RunResult } from './run-options.js';
import { readTargetSale, startTarget } from './run-service.js';
import { settleSales } from './settle.js';
import { Started } from './started.js';
import { verifyRun } from './verify-run.js';

/** After an abort, how long the load may take to write its report (the service is gone by then). */
const ABORT_LOAD_WAIT_MS = 5_000;

export async function runAll(options: RunOptions): Promise<RunResult> {
  const run = await beginRun(options);
  try {
    const stores = await prepareStores(run);
    const configs = await pickSalePeriod(run, stores);
    const target = await startTarget(run, configs.service);
    const sale = await readTargetSale(run, target);
    const { sim, faults } = await loadWithFaults(run, { stores, target, sale });
    const { redis, postgres } = stores.connections;
    const touched = await run.interruption.unlessAborted(findLedgerSales([run.paths.ledger]));
    const saleIds = touched.length === 0 ? [sale.saleId] : touched;
    if (saleIds.length > 1) run.say(`the load touched ${saleIds.length} sales: ${saleIds.join(', ')}`);
    await settleSales(run, { config: configs.direct, redis, target, saleIds });
    const verify = await verifyRun(run, { config: configs.direct, saleIds, sim });
    return await writeOutputs(run, { verify, sim, faults, postgres });
  } catch (error) {
    if (!(error instanceof RunAborted)) throw error;
    return await endAborted(run);
  } finally {
    await run.started.stopAll();
    run.interruption.dispose();
  }
}

/** Checks what can be checked before anything starts: the simulator's flags, --chaos with --target. */
export async function beginRun(options: RunOptions): Promise<RunContext> {
  const say = (line: string) => options.output.write(`run: ${line}\n`);
  await mkdir(options.outDir, { recursive: true });
  const paths = pathsIn(options.outDir);
  const loadOptions = parseLoadOptions(options, paths);
  if (options.chaos.length > 0 && options.target !== undefined) {
    throw new CliError(
      '--chaos needs the service that run starts itself; drop --target',
      ExitCode.usageOrUnchecked,
    );
  }
  return {
    options,
    paths,
    say,
    loadOptions,
    interruption: watchInterrupts(say),
    started: new Started(),
    load: undefined,
  };
}

async function writeOutputs(
  run: RunContext,
  outcome: {
    verify: readonly VerifyReport[];
    sim: SimReport;
    faults: readonly FaultRecord[];
    postgres: pg.Client;
  },
): Promise<RunResult> {
  const { options, paths, say, interruption } = run;
  const { verify, sim } = outcome;
  const { faults, missed } = await writeVerdict({
    paths,
    output: options.output,
    say,
    verify,
    sim,
    faults: outcome.faults,
    postgres: outcome.postgres,
    thresholds: run.loadOptions.thresholds,
  });
  const exitCode = verify.some((each) => each.verdict === 'fail')
    ? ExitCode.invariantViolated
    : interruption.isInterrupted
      ? ExitCode.interrupted
      : missed > 0
        ? ExitCode.thresholdMissed
        : ExitCode.ok;
  say(`outputs in ${options.outDir}`);
  return { exitCode, outDir: options.outDir, verify, sim, faults };
}

/** A second Ctrl-C (or SIGTERM): stop everything now; keep what the load wrote, marked interrupted. */
export async function endAborted(run: RunContext): Promise<RunResult> {
  run.load?.simulation.stop('interrupted');
  // With the service gone, requests still in flight fail at once and the load can finish.
  await run.started.stopAll();
  const sim = run.load === undefined ? undefined : await settledWithin(run.load.finished, ABORT_LOAD_WAIT_MS);
  if (sim !== undefined) await writeAbortedOutputs(run.paths, sim, run.say);
  run.say(`stopped before the end; outputs so far in ${run.options.outDir}`);
  return { exitCode: ExitCode.interrupted, outDir: run.options.outDir, verify: undefined, sim, faults: [] };
}

async function settledWithin<T>(work: Promise<T>, waitMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
