// The verifier's own connections to Postgres and Redis. Failing to connect is "could not check"
// (exit 2), said with the redacted URL and the reason, never a violation.
import { userInfo } from 'node:os';
import { createRedisClient, type RedisClient, type RedisTarget } from '@flashsale/server';
import pg from 'pg';
import { redisUnreachableError, unreachableError } from '../unreachable.js';

const CONNECT_TIMEOUT_MS = 5_000;

// Like libpq (and the service): with no user in the URL and no PGUSER, connect as the OS user.
if (!pg.defaults.user) pg.defaults.user = userInfo().username;

export async function connectPostgres(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'flashsale-verify',
  });
  // A connection lost mid-check surfaces as the failed query; this only keeps it from crashing.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined); // already failed; the error below says why
    throw unreachableError('postgres', databaseUrl, error);
  }
  return client;
}

/** A single Redis (`redisUrl`) or a Redis Cluster (`redisClusterNodes`), with the key prefix. */
/** `isReconnecting`: once connected, reconnect when the connection is lost (run's own connection). */
export async function connectRedis(
  target: RedisTarget,
  options: { isReconnecting?: boolean } = {},
): Promise<RedisClient> {
  let isUp = false;
  const redis = await createRedisClient(target, {
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // One try: a verifier that cannot reach Redis says so at once.
    retry: (attempt) => (isUp && options.isReconnecting === true ? Math.min(attempt * 100, 1000) : null),
  });
  redis.once('ready', () => {
    isUp = true;
  });
  // The rejected connect() only says "Connection is closed"; the error event says why.
  let cause: unknown;
  redis.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await redis.connect();
  } catch (error) {
    // Ended already (no retries); disconnecting an ended client would hold the process for 2 s.
    if (redis.status !== 'end') redis.disconnect();
    throw redisUnreachableError(target, cause ?? error);
  }
  return redis;
}
