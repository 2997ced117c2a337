// The names of the faults `flashsale run --chaos` can inject, and the flag's parser. Kept apart
// from their definitions (faults.ts), which load ioredis and worker threads, so --help stays instant.
import { CliError, ExitCode } from '../exit-codes.js';

export const faultKinds = ['kill-worker', 'kill-server', 'flush-redis', 'restart-redis', 'pg-drop'] as const;

export type FaultKind = (typeof faultKinds)[number];

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
