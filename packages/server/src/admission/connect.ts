// The service's Redis client (a single Redis or a cluster, see client.ts): auto-pipelined,
// reconnecting forever once up. Connecting at start-up fails fast instead, as an UnavailableError
// naming Redis with the reason the client gave.
import type { ServerConfig } from '../config/settings.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import { type Admission, createAdmission, notAutoPipelined, type ObserveCall } from './admission.js';
import { createRedisClient, isCluster, type RedisClient } from './client.js';

export async function connectRedis(config: Readonly<ServerConfig>, log: Logger): Promise<RedisClient> {
  let isUp = false;
  const redis = createRedisClient(config, {
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: notAutoPipelined,
    maxRetriesPerRequest: 1,
    commandTimeoutMs: 5000,
    // No retries before the first connection: the client ends by itself and start-up says why.
    retry: (attempt) => (isUp ? Math.min(attempt * 100, 1000) : null),
  });
  redis.once('ready', () => {
    isUp = true;
  });
  // A refused connect() only says "Connection is closed"; the first error event says why.
  let firstError: unknown;
  redis.on('error', (error) => {
    firstError ??= error;
    log.debug('redis_error', { error });
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new UnavailableError('redis', firstError ?? error);
  }
  if (!isCluster(redis) && (await isClusterNode(redis))) {
    redis.disconnect();
    throw new UnavailableError(
      'redis',
      new Error(
        'it is a node of a Redis Cluster, which serves only its own slots: give the cluster with --redis-cluster-nodes',
      ),
    );
  }
  return redis;
}

/** Whether a single Redis is in fact one node of a cluster (INFO cluster says so). */
async function isClusterNode(redis: RedisClient): Promise<boolean> {
  const info = await redis.info('cluster').catch(() => '');
  return /^cluster_enabled:1/m.test(info);
}

/** Warns when Redis may evict keys: an evicted sale key makes Redis admit what Postgres then refuses. */
async function warnIfRedisMayEvict(redis: RedisClient, log: Logger): Promise<void> {
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    try {
      const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
      const policy = reply[1];
      if (policy !== undefined && policy !== 'noeviction') {
        log.warn('redis_may_evict', {
          node: `${node.options.host}:${node.options.port}`,
          policy,
          advice:
            'set maxmemory-policy noeviction: an evicted sale key makes Redis admit what Postgres then refuses',
        });
      }
    } catch (error) {
      log.debug('redis_policy_unknown', { error }); // CONFIG is often disabled on managed Redis
    }
  }
}

/** The service's admission on its own connection: the one way the service reaches Redis. */
export async function connectAdmission(
  config: Readonly<ServerConfig>,
  log: Logger,
  observeCall?: ObserveCall,
): Promise<Admission> {
  const redis = await connectRedis(config, log);
  await warnIfRedisMayEvict(redis, log);
  return createAdmission(redis, undefined, observeCall);
}
