// The run's own connections to Postgres and Redis (faults, settling, impact), apart from the
// service's and the verifier's.
import type { RedisClient, ServerConfig } from '@flashsale/server';
import type pg from 'pg';
import { connectPostgres, connectRedis } from '../verify/connect.js';

export type RunConnections = { postgres: pg.Client; redis: RedisClient; close: () => Promise<void> };

export async function openConnections(config: Readonly<ServerConfig>): Promise<RunConnections> {
  const postgres = await connectPostgres(config.databaseUrl);
  const redis = await connectRedis(config, { isReconnecting: true }).catch(async (error: unknown) => {
    await postgres.end();
    throw error;
  });
  // A Redis restart is one of the faults: this connection must come back by itself.
  redis.options.enableOfflineQueue = true;
  return {
    postgres,
    redis,
    async close() {
      redis.disconnect();
      await postgres.end().catch(() => undefined); // a pg-drop may have closed it already
    },
  };
}
