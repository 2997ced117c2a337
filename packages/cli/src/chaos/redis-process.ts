// A Redis the run starts for itself (for restart-redis): its own port, nothing kept on disk, so a
// restart loses every key, as a crashed cache without persistence would.
import { freePort, launchRedisServer, type RedisServerProcess, stopProcess } from '@flashsale/harness';

export type OwnRedis = {
  url: string;
  /** Kills Redis and starts a new one on the same port; their run ids (INFO server) show it is new. */
  restart: () => Promise<{ runIdBefore: string; runIdAfter: string }>;
  stop: () => Promise<void>;
};

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  // Its own process group: a terminal's Ctrl-C is for run to handle, not for this Redis.
  const launch = () => launchRedisServer({ port, isDetached: true });
  let current: RedisServerProcess = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      const runIdBefore = current.runId;
      await stopProcess(current.child);
      current = await launch();
      return { runIdBefore, runIdAfter: current.runId };
    },
    stop: () => stopProcess(current.child),
  };
}
