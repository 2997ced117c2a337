// Every failure the simulator reports to its caller, each with a stable code to branch on.

export type SimErrorCode =
  /** A flag or option value is not accepted; `flag` names it. */
  | 'invalid_option'
  /** A --threshold objective could not be parsed or does not fit its metric. */
  | 'invalid_threshold'
  /** A scenario file is unreadable or has a bad field. */
  | 'invalid_scenario'
  /** A report file given to merge is unreadable or not a simulator report. */
  | 'invalid_report'
  /** The target did not answer at all before the run (connection refused, DNS). */
  | 'target_unreachable'
  /** The report or ledger could not be written. */
  | 'output_failed'
  /** A worker process failed or exited before handing back its report. */
  | 'worker_failed';

export class SimError extends Error {
  readonly code: SimErrorCode;
  /** The flag at fault, for `invalid_option` and `invalid_threshold`. */
  readonly flag: string | null;

  constructor(code: SimErrorCode, message: string, options?: { flag?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SimError';
    this.code = code;
    this.flag = options?.flag ?? null;
  }
}
