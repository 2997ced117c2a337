// Every process exit code the CLI uses. A failure gets its code where it is first understood
// (a CliError), and main.ts reads it once.

export const ExitCode = {
  /** Everything passed. */
  ok: 0,
  /** An invariant was violated: the service broke a rule of the sale. */
  invariantViolated: 1,
  /** Bad usage (flag, value) or the check could not run (connection, missing sale, unreadable file). */
  usageOrUnchecked: 2,
  /** A --threshold objective was missed. */
  thresholdMissed: 99,
  /** Interrupted (Ctrl-C, SIGTERM): 128 + SIGINT, as shells report it. A violation found still exits 1. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that already knows the exit code it maps to. Its message is shown as one line. */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = ExitCode.usageOrUnchecked, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
