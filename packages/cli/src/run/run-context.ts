// What the steps of `flashsale run` share while it runs.
import type { Interruption } from './interruption.js';
import type { Load } from './load.js';
import type { UnaimedLoad } from './load-options.js';
import type { Paths } from './outputs.js';
import type { RunOptions } from './run-options.js';
import type { Started } from './started.js';

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
