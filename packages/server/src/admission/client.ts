// The one place a Redis client is made: a single Redis (--redis-url) or a Redis Cluster from its
// seed nodes (--redis-cluster-nodes). Both carry the key prefix; every key of a sale shares the
// sale's hash tag, so in a cluster each sale lives in one slot and its scripts and MULTIs route
// there by their keys. The service and the CLI (verify, run, chaos) connect through here.
import { Cluster, Redis } from 'ioredis';
import type { ServerConfig } from '../config/settings.js';

/** A single Redis or a cluster: the commands the service sends work on both. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: the settings that say it. */
export type RedisTarget = Pick<ServerConfig, 'redisUrl' | 'redisClusterNodes' | 'redisKeyPrefix'>;

export type RedisTuning = {
  enableAutoPipelining?: boolean;
  /** Commands sent on their own even with auto-pipelining on. */
  autoPipeliningIgnoredCommands?: string[];
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  maxRetriesPerRequest: number;
  enableOfflineQueue?: boolean;
  /** Delay before reconnect attempt `attempt`, or null to give up (the client then ends). */
  retry: (attempt: number) => number | null;
};

/** A lazily connecting client for `target` (call connect()). */
export function createRedisClient(target: RedisTarget, tuning: RedisTuning): RedisClient {
  const perConnection = {
    maxRetriesPerRequest: tuning.maxRetriesPerRequest,
    ...(tuning.commandTimeoutMs === undefined ? {} : { commandTimeout: tuning.commandTimeoutMs }),
    ...(tuning.connectTimeoutMs === undefined ? {} : { connectTimeout: tuning.connectTimeoutMs }),
  };
  if (target.redisClusterNodes === null) {
    return new Redis(target.redisUrl, {
      ...perConnection,
      keyPrefix: target.redisKeyPrefix,
      enableAutoPipelining: tuning.enableAutoPipelining ?? false,
      autoPipeliningIgnoredCommands: tuning.autoPipeliningIgnoredCommands ?? [],
      enableOfflineQueue: tuning.enableOfflineQueue ?? true,
      lazyConnect: true,
      retryStrategy: tuning.retry,
    });
  }
  return new Cluster(target.redisClusterNodes.map(hostPortOf), {
    keyPrefix: target.redisKeyPrefix,
    enableAutoPipelining: tuning.enableAutoPipelining ?? false,
    autoPipeliningIgnoredCommands: tuning.autoPipeliningIgnoredCommands ?? [],
    enableOfflineQueue: tuning.enableOfflineQueue ?? true,
    lazyConnect: true,
    clusterRetryStrategy: tuning.retry,
    slotsRefreshTimeout: 2000,
    redisOptions: perConnection,
  });
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

function hostPortOf(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(node.slice(at + 1)) };
}
