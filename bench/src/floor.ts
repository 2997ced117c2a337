// Runs undici-floor.ts (undici's own floor: a bare Pool.dispatch loop) as its own process against
// a server, open loop at a rate or closed loop, and reads the JSON line it prints at the end.
import { fileURLToPath } from 'node:url';
import { runProcess, type Started } from './processes.js';
import { repoRelative } from './repo-paths.js';

/** What undici-floor.ts prints when done. */
export type FloorFigures = Readonly<{
  mode: 'open' | 'closed';
  /** The open loop's rate; null for the closed loop. */
  target_rps: number | null;
  /** Requests answered (or failed) over the run. */
  requests: number;
  sent: number;
  /** Written more than 10 ms after their slot (open loop only). */
  late: number;
  errors: number;
  non2xx: number;
  duration_s: number;
  rps: number;
  /** Epoch ms the schedule started, and ended (the last slot sent, or the closed loop's time up). */
  started_at_ms: number;
  ended_at_ms: number;
  /** Requests answered from `steadyAfterS` after the start until the end: CPU per request apart from start-up. */
  steady_requests: number;
  /** Open loop: requests whose slot lies `steadyAfterS` or more after the start, and of those the late. */
  steady_sent: number;
  steady_late: number;
}>;

/** Seconds at the start of a floor run left out of its steady CPU figure, as the simulator's are. */
export const steadyAfterS = 2;

// From the build (also when this module is loaded from its source, as the tests do).
const floorPath = fileURLToPath(new URL('../dist/undici-floor.js', import.meta.url));

export type FloorRun = FloorFigures & Readonly<{ commandLine: string }>;

export async function runUndiciFloor({
  url,
  connections,
  durationS,
  rps,
  cpus,
  onStart,
}: {
  url: string;
  connections: number;
  durationS: number;
  /** The open loop's rate; null runs the closed loop (each connection sends on each answer). */
  rps: number | null;
  cpus?: string;
  onStart?: (started: Started) => void;
}): Promise<FloorRun> {
  const args = [
    floorPath,
    '--url',
    url,
    '--connections',
    String(connections),
    '--duration',
    String(durationS),
    ...(rps === null ? ['--closed'] : ['--rps', String(rps)]),
  ];
  const [command, commandArgs] =
    cpus === undefined ? [process.execPath, args] : ['taskset', ['-c', cpus, process.execPath, ...args]];
  const { code, output, tail, commandLine } = await runProcess('undici floor', command, commandArgs, {
    timeoutMs: (durationS + 60) * 1000,
    onStart,
  });
  if (code !== 0) throw new Error(`undici floor exited ${code}:\n${tail}`);
  const line = output.trim().split('\n').at(-1) ?? '';
  return {
    ...(JSON.parse(line) as FloorFigures),
    commandLine: repoRelative(commandLine.replace(process.execPath, 'node')),
  };
}
