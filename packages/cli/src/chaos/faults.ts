// The faults `flashsale run --chaos` can inject, and what each needs from the run.
import { CliError, ExitCode } from '../exit-codes.js';

export const faultKinds = ['kill-worker', 'kill-server', 'flush-redis', 'restart-redis', 'pg-drop'] as const;

export type FaultKind = (typeof faultKinds)[number];

export const faultDescriptions: Record<FaultKind, string> = {
  'kill-worker': 'SIGKILL one service worker; the primary replaces it',
  'kill-server': 'SIGKILL the whole service; run restarts it after a pause',
  'flush-redis': 'delete every Redis key of the sale (a lost cache)',
  'restart-redis': 'restart the Redis the run started for itself, without persistence',
  'pg-drop': "cut the service's Postgres connections and refuse new ones for a few seconds",
};

export function parseChaos(text: string): FaultKind[] {
  const kinds = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const unknown = kinds.filter((kind) => !(faultKinds as readonly string[]).includes(kind));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new CliError(
      `--chaos: ${unknown.length > 0 ? `unknown fault ${unknown.map((k) => JSON.stringify(k)).join(', ')}` : 'no fault given'}; expected a comma-separated list of ${faultKinds.join(', ')}`,
      ExitCode.usageOrUnchecked,
    );
  }
  return [...new Set(kinds as FaultKind[])];
}
