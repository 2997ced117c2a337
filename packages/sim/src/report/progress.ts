// Shows a run's progress: the ink live view on a terminal, plain lines otherwise, or nothing.
// The live view (and ink with it) is loaded only when used.
import type { ProgressMode } from '../config/options.js';
import type { Simulation } from '../simulation.js';
import { formatStartLine, formatTickLine } from './plain.js';

export type ProgressView = Readonly<{
  /** Resolves once the view has drawn its last frame and let go of the terminal. */
  finished: Promise<void>;
}>;

export async function startProgress(
  simulation: Simulation,
  mode: ProgressMode,
  output: NodeJS.WriteStream,
): Promise<ProgressView> {
  if (mode === 'live') {
    const { renderLiveView } = await import('./live.js');
    return renderLiveView(simulation, output);
  }
  if (mode === 'plain') {
    simulation.on('start', (start) => output.write(`${formatStartLine(start)}\n`));
    simulation.on('tick', (tick) => output.write(`${formatTickLine(tick)}\n`));
  }
  return { finished: simulation.done.then(settled, settled) };
}

function settled(): void {}
