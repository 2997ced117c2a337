// `flashsale run`: serve + simulate + verify in one command, for CI. Takes the flags of `serve`
// (--workers is the service's; the simulator's is --sim-workers) and of `simulate`.
import { formatDurationMs, parseDurationMs } from '@flashsale/protocol';
import { PENDING_GRACE_MS } from '@flashsale/server';
import { type OptionSpec, simOptionTable } from '@flashsale/sim';
import { type Command, Option } from 'commander';
import { faultKinds, parseChaos } from '../chaos/kinds.js';
import { CliError } from '../exit-codes.js';
import { addServerFlags, serverConfigFrom } from '../flags/server-flags.js';
import { simOption } from '../flags/sim-flags.js';

/** Simulator flags run sets itself or takes from the service's flags. */
const ownedByRun = new Set(['report', 'ledger', 'saleSize', 'userLimit', 'workers', 'untilSellout']);

/**
 * Defaults that make a useful gate in about a minute: short holds, enough demand to sell out
 * (10,000 items in about 55 s at 800/s), at a rate a 2-core box holds with the service beside the
 * generator: at 1000/s and above the generator fell behind its own schedule there in most runs
 * (the first seconds of a sale, nearly every request a write, load the service most). Measured
 * in issue 13, point 7.
 */
const runDefaults = { rps: '800', duration: '2m', holdTtlMs: '10s', port: '0' } as const;

/** What --help says of the defaults run uses instead of serve's and simulate's. */
const runDefaultsShown = {
  port: '0, a free port',
  holdTtlMs: runDefaults.holdTtlMs,
  saleDurationMs: 'a fresh period that starts now and outlasts the run',
} as const;

const targetSpec: OptionSpec = {
  ...simOptionTable.target,
  description: 'load this running service instead of starting one (default: none, run starts the service)',
  defaultValue: undefined,
};

export function register(program: Command): void {
  const command = program
    .command('run')
    .description(
      'serve + simulate + verify in one command: starts the service (or loads --target), sells the sale out, ' +
        'waits for holds to lapse and verifies every invariant with the ledger; exits 0 pass, 1 violation, ' +
        '2 could not check, 99 threshold missed, 130 interrupted (Ctrl-C: the first ends the load early and ' +
        'still verifies, a second stops at once). With --target and --profile (a service that is not ours) it ' +
        'starts nothing and verifies from the ledger alone (the black-box checks of verify --black-box)',
    );
  command.addHelpText(
    'after',
    [
      '',
      'With --reconciler false, run waits for purchases pending in Redis only as long',
      `as their own requests may still write them (${formatDurationMs(PENDING_GRACE_MS)} and a margin), not for`,
      'reconciler rounds. One a dead process left pending stays so, and verify reports',
      "it: sell-out, and redis-agrees once it is older than verify's tolerance for",
      'writes in flight.',
    ].join('\n'),
  );
  const serverAttributes = addServerFlags(command, undefined, runDefaultsShown);
  for (const [name, spec] of Object.entries(simOptionTable) as [string, OptionSpec][]) {
    if (ownedByRun.has(name)) continue;
    const runDefault = runDefaults[name as keyof typeof runDefaults];
    if (name === 'target') command.addOption(simOption(targetSpec));
    else
      command.addOption(simOption(runDefault === undefined ? spec : { ...spec, defaultValue: runDefault }));
  }
  command.addOption(new Option('--sim-workers <n>', 'simulator processes (simulate --workers)'));
  command.addOption(
    new Option(
      '--out <dir>',
      'folder for the ledger, reports, verdict and service log (default .out/run-<time>)',
    ),
  );
  command.addOption(
    new Option(
      '--chaos <faults>',
      `inject faults during the load, comma-separated: ${faultKinds.join(', ')}`,
    ),
  );
  command.addOption(
    new Option('--grace <d>', "verify's tolerance for writes and holds still settling (default 5s)"),
  );
  command.action(async (options: Record<string, unknown>) => {
    const given = (name: string) => options[name] !== undefined;
    const server = serverConfigFrom(options, serverAttributes, {
      port: runDefaults.port,
      holdTtlMs: runDefaults.holdTtlMs,
    });
    // A fresh sale outlasts the load, which stops once it sells out; with --sale-duration the load
    // runs its whole --duration, across as many sales as open meanwhile (each is verified).
    const simFlags: Record<string, unknown> = { untilSellout: !given('saleDuration') };
    for (const name of Object.keys(simOptionTable)) {
      if (!ownedByRun.has(name) && options[name] !== undefined) simFlags[name] = options[name];
    }
    if (simFlags.stages === undefined) {
      simFlags.rps ??= runDefaults.rps;
      simFlags.duration ??= runDefaults.duration;
    }
    if (given('simWorkers')) simFlags.workers = options.simWorkers;
    if (given('profile') && !given('target')) {
      throw new CliError('--profile describes a service run does not start: give its --target too');
    }
    const isBlackBox = given('target') && given('profile');
    if (isBlackBox) {
      // Not our service: no settings of ours apply, but these two say what the sale is.
      if (given('saleSize')) simFlags.saleSize = options.saleSize;
      if (given('userLimit')) simFlags.userLimit = options.userLimit;
    }
    const graceMs = given('grace') ? parseDurationMs(String(options.grace)) : 5000;
    if (graceMs === null)
      throw new CliError(`--grace: ${JSON.stringify(options.grace)} is not a duration such as 5s`);

    const { runAll } = isBlackBox
      ? { runAll: (await import('../run/black-box-run.js')).runBlackBox }
      : await import('../run/run-flow.js');
    const result = await runAll({
      server,
      isSaleDurationGiven: given('saleDuration'),
      target: given('target') ? String(options.target) : undefined,
      isBlackBox,
      simFlags,
      chaos: given('chaos') ? parseChaos(String(options.chaos)) : [],
      outDir: given('out') ? String(options.out) : defaultOutDir(),
      graceMs,
      output: process.stdout,
    });
    process.exitCode = result.exitCode;
  });
}

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '-').slice(0, 19);
  return `.out/run-${stamp}`;
}
