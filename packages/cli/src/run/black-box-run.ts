// `flashsale run --target URL --profile P`: a service that is not ours. Nothing is started and
// no database is queried: the run loads the target in its dialect until it sells out (or the
// duration ends), then proves what the ledger alone can (verify --black-box) and writes the same
// outputs as any run: verify.json, junit.xml, report.html with the invariants, the tables.
import { writeFile } from 'node:fs/promises';
import { checkThresholds } from '@flashsale/sim';
import { ExitCode } from '../exit-codes.js';
import { renderHtmlReport } from '../html/render-report.js';
import { formatBlackBoxJson, toBlackBoxJson } from '../output/json.js';
import { formatBlackBoxJunit } from '../output/junit.js';
import { formatBlackBoxTable } from '../output/table.js';
import { verifyLedgers } from '../verify/black-box/run-black-box.js';
import { RunAborted } from './interruption.js';
import { startLoad } from './load.js';
import { aimLoad } from './load-options.js';
import { beginRun, endAborted } from './run-flow.js';
import type { RunOptions, RunResult } from './run-options.js';

const title = 'flashsale run report';

export async function runBlackBox(options: RunOptions): Promise<RunResult> {
  const run = await beginRun(options);
  const { say, paths, interruption, loadOptions } = run;
  try {
    const target = options.target ?? '';
    const { profile } = loadOptions;
    say(
      `loading ${target} (profile ${profile.name}: ${loadOptions.saleSize} items, limit ${loadOptions.userLimit} per buyer); run starts nothing and checks the ledger alone`,
    );
    const load = await startLoad(aimLoad(loadOptions, target), options.output);
    run.load = load;
    interruption.loadStarted(() => load.simulation.stop('interrupted'));
    const sim = await interruption.unlessAborted(load.finished);
    interruption.loadEnded();
    say(`load done: ${sim.requests} requests, ${sim.sale.purchases} purchases acknowledged`);
    const verify = await verifyLedgers({
      ledgerPaths: [paths.ledger],
      saleSize: sim.sale.size,
      userLimit: loadOptions.userLimit,
      firstItemId: profile.firstItemId,
      isSelloutExpected: sim.sellout_expected,
      isRunInterrupted: interruption.isInterrupted,
      graceMs: options.graceMs,
      saleId: null,
      profileName: profile.name,
    });
    await writeFile(paths.verify, formatBlackBoxJson(verify));
    await writeFile(paths.junit, formatBlackBoxJunit(verify));
    options.output.write(`${formatBlackBoxTable(verify)}\n`);
    await writeFile(paths.html, renderHtmlReport({ sim, verify: toBlackBoxJson(verify), title }));
    say(`report: ${paths.html}`);
    const missed = checkThresholds(sim, loadOptions.thresholds).filter((result) => !result.isPassed);
    if (missed.length > 0)
      say(`threshold missed: ${missed.map((r) => `${r.source} (actual ${r.actualText})`).join(', ')}`);
    const exitCode =
      verify.verdict === 'fail'
        ? ExitCode.invariantViolated
        : interruption.isInterrupted
          ? ExitCode.interrupted
          : missed.length > 0
            ? ExitCode.thresholdMissed
            : ExitCode.ok;
    say(`outputs in ${options.outDir}`);
    return { exitCode, outDir: options.outDir, verify, sim, faults: [] };
  } catch (error) {
    if (!(error instanceof RunAborted)) throw error;
    return await endAborted(run);
  } finally {
    await run.started.stopAll();
    interruption.dispose();
  }
}
