// The faults `flashsale run --chaos` can inject, and what each needs from the run.
import { CliError, ExitCode } from '../exit-codes.js';

export const faultKinds = ['kill-worker', 'kill-server', 'flush-redis', 'restart-redis', 'pg-drop'] as const;

export type FaultKind = (typeof faultKinds)[number];

/**
 * What shows a fault really happened, per kind (written to chaos.json): a fault that did nothing
 * (no worker to kill, no key to delete) must not pass for one that was survived.
 */
export type FaultEvidence = {
  /** The worker killed, and the one the primary started in its place (null: none within the deadline). */
  'kill-worker': { killedPid: number; replacementPid: number | null };
  /** The service process killed, and the one run started after it. */
  'kill-server': { killedPid: number; replacementPid: number };
  'flush-redis': { keysDeleted: number };
  /** Redis' run_id (INFO server) before and after: a new one means a new Redis process, with nothing kept. */
  'restart-redis': { runIdBefore: string; runIdAfter: string };
  /** The service's Postgres connections when the proxy cut them, and the backends still up then terminated. */
  'pg-drop': { connectionsDropped: number; backendsTerminated: number };
};

/** What an injected fault did: a line for people, and its evidence (null when it found nothing to act on). */
export type FaultResult<K extends FaultKind = FaultKind> = {
  detail: string;
  evidence: FaultEvidence[K] | null;
};

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
