// kill-server: SIGKILL the whole service (primary and workers, nothing shut down gracefully); run
// starts it again on the same address after a pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { armedAsIs, type FaultDefinition } from './fault.js';

const KILL_SERVER_PAUSE_MS = 1000;

/** The service process killed, and the one run started after it. */
export type KillServerEvidence = { killedPid: number; replacementPid: number };

export const killServer: FaultDefinition<KillServerEvidence> = {
  description: 'SIGKILL the whole service; run restarts it after a pause',
  arm: armedAsIs(async ({ service }) => {
    const killedPid = await service.kill();
    await sleep(KILL_SERVER_PAUSE_MS);
    const replacementPid = await service.restart();
    return {
      detail: `SIGKILL service ${killedPid}, restarted as ${replacementPid} after ${KILL_SERVER_PAUSE_MS} ms`,
      evidence: { killedPid, replacementPid },
    };
  }),
};
