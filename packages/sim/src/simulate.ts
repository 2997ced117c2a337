// The entry point: one process runs the schedule itself; --workers N spreads it over N child
// processes whose reports are merged.
import type { SimOptions } from './config/options.js';
import { LocalRun } from './run/engine.js';
import { WorkerRun } from './run/workers.js';
import type { Simulation } from './simulation.js';

export function simulate(options: SimOptions): Simulation {
  return options.workers > 1 ? new WorkerRun(options) : new LocalRun(options);
}
