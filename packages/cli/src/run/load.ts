// The simulator inside a run: started with its progress view, summarized when done. Ctrl-C is
// the run's to handle (run/interruption.ts), which ends the load through `simulation.stop`.
import {
  checkThresholds,
  formatSummary,
  type SimOptions,
  type SimReport,
  type Simulation,
  simulate,
  startProgress,
} from '@flashsale/sim';
import { CliError, ExitCode } from '../exit-codes.js';

export type Load = {
  simulation: Simulation;
  isRunning: () => boolean;
  /** Settles when the schedule starts (or the load ends without starting). */
  started: Promise<void>;
  finished: Promise<SimReport>;
};

export async function startLoad(options: SimOptions, output: NodeJS.WriteStream): Promise<Load> {
  const simulation = simulate(options);
  const started = new Promise<void>((resolve) => {
    simulation.once('start', () => resolve());
    simulation.done.then(
      () => resolve(),
      () => resolve(),
    );
  });
  const progress = await startProgress(simulation, options.progress, output);
  let isRunning = true;
  const finished = (async () => {
    try {
      const report = await simulation.done;
      await progress.finished;
      output.write(formatSummary(report, checkThresholds(report, options.thresholds)));
      return report;
    } catch (error) {
      throw new CliError(`the load could not run: ${(error as Error).message}`, ExitCode.usageOrUnchecked, {
        cause: error,
      });
    } finally {
      isRunning = false;
    }
  })();
  finished.catch(() => undefined); // an aborted run may never await it
  return { simulation, isRunning: () => isRunning, started, finished };
}
