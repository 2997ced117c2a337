// What `flashsale run` is given and what it answers.
import type { ServerConfig } from '@flashsale/server';
import type { SimFlags, SimReport } from '@flashsale/sim';
import type { FaultImpact } from '../chaos/impact.js';
import type { FaultKind } from '../chaos/kinds.js';
import type { ExitCode } from '../exit-codes.js';
import type { BlackBoxReport } from '../verify/black-box/report.js';
import type { VerifyReport } from '../verify/report.js';

export type RunOptions = {
  server: Readonly<ServerConfig>;
  /** False: run picks a sale period that starts now. */
  isSaleDurationGiven: boolean;
  /** An already running service to load instead of starting one. */
  target: string | undefined;
  /**
   * --target with --profile: a service that is not ours, so no database to query; the run loads it
   * and proves what the ledger alone can (verify --black-box).
   */
  isBlackBox: boolean;
  /** Simulator flags (not target, report or ledger: run sets those). */
  simFlags: SimFlags;
  chaos: readonly FaultKind[];
  outDir: string;
  graceMs: number;
  output: NodeJS.WriteStream;
};

export type RunResult = {
  exitCode: ExitCode;
  outDir: string;
  /** undefined when the run was aborted before verifying. */
  /** One report per sale the load touched, oldest first; a black-box one with --target --profile. */
  verify: readonly VerifyReport[] | BlackBoxReport | undefined;
  /** undefined when the run was aborted before the load ended. */
  sim: SimReport | undefined;
  faults: FaultImpact[];
};
