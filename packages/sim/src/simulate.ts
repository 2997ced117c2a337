// The entry point: one engine runs the schedule in this process, or spreads it over --workers
// child processes whose figures it merges.
import type { SimOptions } from './config/options.js';
import { Engine } from './run/engine.js';
import type { Simulation } from './simulation.js';

export function simulate(options: SimOptions): Simulation {
  return new Engine(options);
}
