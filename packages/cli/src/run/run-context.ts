// What `flashsale run` is given, what it answers, and what its steps share while it runs.
import type { ServerConfig } from '@flashsale/server';
import type { SimFlags, SimReport } from '@flashsale/sim';
import type { FaultImpact } from '../chaos/impact.js';
import type { FaultKind } from '../chaos/kinds.js';
import type { ExitCode } from '../exit-codes.js';
import type { VerifyReport } from '../verify/report.js';
import type { Interruption } from './interruption.js';
import type { Load } from './load.js';
import type { UnaimedLoad } from './load-options.js';
import type { Paths } from './outputs.js';
import type { Started } from './started.js';

export type RunOptions = {
  server: Readonly<ServerConfig>;
  /** False: run picks a sale period that starts now. */
  isSaleDurationGiven: boolean;
  /** An already running service to load instead of starting one. */
  target: string | undefined;
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
  verify: VerifyReport | undefined;
  /** undefined when the run was aborted before the load ended. */
  sim: SimReport | undefined;
  faults: FaultImpact[];
};

export type RunContext = {
  options: RunOptions;
  paths: Paths;
  say: (line: string) => void;
  /** The simulator's options, parsed once before anything starts; aimed once the service listens. */
  loadOptions: UnaimedLoad;
  interruption: Interruption;
  started: Started;
  /** The load, once started (an aborted run still collects its report). */
  load: Load | undefined;
};
