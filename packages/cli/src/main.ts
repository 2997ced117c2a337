#!/usr/bin/env node
// The flashsale command. Flags are wired here and in commands/*.ts; the work each command does is
// imported lazily inside its action, so `--help` stays instant.
import { Command, CommanderError } from 'commander';
import { register as registerMigrate } from './commands/migrate.js';
import { register as registerReport } from './commands/report.js';
import { register as registerRun } from './commands/run.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerVerify } from './commands/verify.js';
import { CliError, ExitCode } from './exit-codes.js';
import { applyOneLineErrors } from './usage-error.js';

const registrars: ReadonlyArray<(program: Command) => void> = [
  registerServe,
  registerMigrate,
  registerSimulate,
  registerReport,
  registerVerify,
  registerRun,
];

const program = new Command('flashsale')
  .description('Flash-sale service, load simulator and verifier.')
  .exitOverride();
for (const register of registrars) register(program);
applyOneLineErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usageOrUnchecked;
  }
  if (error instanceof CliError) {
    process.stderr.write(`flashsale: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `flashsale: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.usageOrUnchecked;
}
