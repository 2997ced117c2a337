// restart-redis: the run starts a Redis of its own (the shared one is never restarted), points the
// service and itself at it, and restarts it mid-load without persistence: every key is lost.
import { CliError } from '../exit-codes.js';
import type { FaultDefinition } from './fault.js';
import { startOwnRedis } from './redis-process.js';

/** Redis' run_id (INFO server) before and after: a new one means a new Redis process, with nothing kept. */
export type RestartRedisEvidence = { runIdBefore: string; runIdAfter: string };

export const restartRedis: FaultDefinition<RestartRedisEvidence> = {
  description: 'restart the Redis the run started for itself, without persistence',
  async arm(configs, say) {
    if (configs.service.redisClusterNodes !== null) {
      throw new CliError(
        '--chaos restart-redis: not with --redis-cluster-nodes (it restarts a single Redis the run starts for itself); flush-redis loses the sale keys on the cluster node that serves them',
      );
    }
    const redis = await startOwnRedis();
    say(`restart-redis: using a Redis of its own at ${redis.url}`);
    return {
      configs: {
        service: { ...configs.service, redisUrl: redis.url },
        direct: { ...configs.direct, redisUrl: redis.url },
      },
      async inject() {
        const runIds = await redis.restart();
        return {
          detail: `restarted ${redis.url} without persistence (run_id ${runIds.runIdBefore.slice(0, 8)} -> ${runIds.runIdAfter.slice(0, 8)})`,
          evidence: runIds,
        };
      },
      close: () => redis.stop(),
    };
  },
};
