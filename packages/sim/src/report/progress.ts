// Shows a run's progress: the ink live view on a terminal, plain lines otherwise, or nothing.
// The live view (and ink with it) is loaded only when used, and only on a terminal wide enough
// for it: at 0 columns (or none reported) ink would print a character per line.
import type { ProgressMode } from '../config/options.js';
import type { SimStart, Simulation } from '../simulation.js';
import { formatStartLine, formatTickLine } from './plain.js';

/** Narrower terminals get the plain lines. */
export const MIN_LIVE_COLUMNS = 40;

export type ProgressView = Readonly<{
  /** Resolves once the view has drawn its last frame and let go of the terminal. */
  finished: Promise<void>;
}>;

export async function startProgress(
  simulation: Simulation,
  mode: ProgressMode,
  output: NodeJS.WriteStream,
): Promise<ProgressView> {
  const isWideEnough = (output.columns ?? 0) >= MIN_LIVE_COLUMNS;
  if (mode === 'live' && isWideEnough) {
    const { renderLiveView } = await import('./live.js');
    return { finished: renderLiveView(simulation, output) };
  }
  if (mode === 'plain' || mode === 'live') {
    let started: SimStart | null = null;
    simulation.on('start', (start) => {
      started = start;
      output.write(`${formatStartLine(start)}\n`);
    });
    simulation.on('tick', (tick) => output.write(`${formatTickLine(tick, started)}\n`));
  }
  return { finished: simulation.done.then(settled, settled) };
}

function settled(): void {}
