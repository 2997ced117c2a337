// kill-worker: SIGKILL one of the service's workers at random; the primary forks a replacement
// into its slot. Needs a service of two workers at least, so one is always left serving.
import { setTimeout as sleep } from 'node:timers/promises';
import { armedAsIs, type FaultDefinition } from './fault.js';

/** The primary forks a replacement 250 ms after a worker dies; a busy box may take a few seconds more. */
const REPLACEMENT_DEADLINE_MS = 15_000;
const REPLACEMENT_POLL_MS = 50;

/** The worker killed, and the one the primary started in its place (null: none within the deadline). */
export type KillWorkerEvidence = { killedPid: number; replacementPid: number | null };

export const killWorker: FaultDefinition<KillWorkerEvidence> = {
  description: 'SIGKILL one service worker; the primary replaces it',
  minServiceWorkers: 2,
  arm: armedAsIs(async ({ service, randomInt }) => {
    const known = new Set(service.workerPids());
    const alive = [...known].filter(isAlive);
    if (alive.length === 0) return { detail: 'no worker to kill', evidence: null };
    const killedPid = alive[randomInt(0, alive.length - 1)]!;
    const killedAtMs = Date.now();
    process.kill(killedPid, 'SIGKILL');
    const replacementPid = await waitForNewWorker(service.workerPids, known);
    return {
      detail:
        replacementPid === null
          ? `SIGKILL worker ${killedPid}; no replacement within ${REPLACEMENT_DEADLINE_MS} ms`
          : `SIGKILL worker ${killedPid}; worker ${replacementPid} took its place after ${Date.now() - killedAtMs} ms`,
      evidence: { killedPid, replacementPid },
    };
  }),
};

/** The pid of a worker the service started after `known` was taken, once one is alive. */
async function waitForNewWorker(
  workerPids: () => number[],
  known: ReadonlySet<number>,
): Promise<number | null> {
  const deadlineMs = Date.now() + REPLACEMENT_DEADLINE_MS;
  while (Date.now() < deadlineMs) {
    const fresh = workerPids().find((pid) => !known.has(pid) && isAlive(pid));
    if (fresh !== undefined) return fresh;
    await sleep(REPLACEMENT_POLL_MS);
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}
