// The service's Redis client: auto-pipelined, reconnecting forever once up. Connecting at start-up
// fails fast instead, as an UnavailableError naming Redis with the reason the client gave.
import { Redis } from 'ioredis';
import type { ServerConfig } from '../config/settings.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import { type Admission, createAdmission } from './admission.js';

export async function connectRedis(config: Readonly<ServerConfig>, log: Logger): Promise<Redis> {
  let isUp = false;
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 5000,
    lazyConnect: true,
    // No retries before the first connection: the client ends by itself and start-up says why.
    retryStrategy: (attempt) => (isUp ? Math.min(attempt * 100, 1000) : null),
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
    throw new UnavailableError('redis', firstError ?? error);
  }
  return redis;
}

/** Warns when Redis may evict keys: an evicted sale key makes Redis admit what Postgres then refuses. */
async function warnIfRedisMayEvict(redis: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== undefined && policy !== 'noeviction') {
      log.warn('redis_may_evict', {
        policy,
        advice:
          'set maxmemory-policy noeviction: an evicted sale key makes Redis admit what Postgres then refuses',
      });
    }
  } catch (error) {
    log.debug('redis_policy_unknown', { error }); // CONFIG is often disabled on managed Redis
  }
}

/** The service's admission on its own connection: the one way the service reaches Redis. */
export async function connectAdmission(config: Readonly<ServerConfig>, log: Logger): Promise<Admission> {
  const redis = await connectRedis(config, log);
  await warnIfRedisMayEvict(redis, log);
  return createAdmission(redis);
}
