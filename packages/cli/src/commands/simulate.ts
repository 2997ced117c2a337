// `flashsale simulate`: the simulator's option table becomes the flags; the action parses them,
// runs the simulation with its progress view, prints the summary, and turns the outcome into an
// exit code (2: bad flag or could not run, 99: a --threshold objective missed). `--html FILE` is
// the CLI's own flag (the simulator knows no HTML): the page is written after the run. Importing
// @flashsale/sim is cheap: its heavy parts (undici, HdrHistogram, ink) load on first use.
import {
  checkThresholds,
  envNameOf,
  formatSummary,
  type OptionSpec,
  parseSimOptions,
  SimError,
  type SimReport,
  simOptionTable,
  simulate,
  startProgress,
} from '@flashsale/sim';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { simOption } from '../flags/sim-flags.js';

export function register(program: Command): void {
  const command = program
    .command('simulate')
    .description('send open-loop buyer traffic at a flash sale and report latencies, outcomes and a ledger');
  for (const spec of Object.values(simOptionTable) as OptionSpec[]) {
    // Shown, not wired with commander's .env(): the simulator reads its variables itself, so a
    // switch's SIM_ variable can say false.
    command.addOption(simOption({ ...spec, description: `${spec.description} [${envNameOf(spec)}]` }));
  }
  command.option('--html <file>', 'write a self-contained HTML report (charts, tables) here after the run');
  command.action(runSimulate);
}

async function runSimulate({ html, ...flags }: Record<string, unknown>): Promise<void> {
  let options: ReturnType<typeof parseSimOptions>;
  try {
    // Every option may also come from its SIM_ variable (SIM_RPS, SIM_SHARD, ...); flags win.
    options = parseSimOptions(flags, { isTty: process.stdout.isTTY === true, env: process.env }, process.env);
  } catch (error) {
    throw toCliError(error);
  }
  const htmlOutput =
    typeof html === 'string' ? { path: html, ...(await import('../html/html-file.js')) } : undefined;
  await htmlOutput?.checkHtmlPath(htmlOutput.path, '--html');
  const simulation = simulate(options);
  const progress = await startProgress(simulation, options.progress, process.stdout);
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    // First Ctrl-C: stop sending, let in-flight requests finish, still write the outputs.
    if (interrupts === 1) simulation.stop('interrupted');
    else process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onInterrupt);
  // Whoever read the output has gone (`simulate ... | head`): stop sending instead of dying
  // mid-run, and let later writes (the summary) fail quietly; the report and ledger files still count.
  const onOutputError = () => simulation.stop();
  process.stdout.on('error', onOutputError);
  let report: SimReport;
  try {
    report = await simulation.done.catch((error: unknown) => {
      throw toCliError(error);
    });
  } finally {
    await progress.finished;
    process.off('SIGINT', onInterrupt);
  }
  await htmlOutput?.writeHtmlReport(htmlOutput.path, { sim: report }, '--html');
  const results = checkThresholds(report, options.thresholds);
  process.stdout.write(formatSummary(report, results));
  if (report.interrupted === true) {
    throw new CliError(
      'interrupted: the load ended early; the report and ledger hold what was sent',
      ExitCode.interrupted,
    );
  }
  const missed = results.filter((result) => !result.isPassed);
  if (missed.length > 0) {
    const list = missed.map((result) => `${result.source} (actual ${result.actualText})`).join(', ');
    throw new CliError(`threshold missed: ${list}`, ExitCode.thresholdMissed);
  }
}

/** Simulator errors (bad option, unreachable target, unwritable output) are usage/could-not-run: exit 2. */
function toCliError(error: unknown): unknown {
  return error instanceof SimError
    ? new CliError(error.message, ExitCode.usageOrUnchecked, { cause: error })
    : error;
}
