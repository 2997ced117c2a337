// The service's Redis client: auto-pipelined, reconnecting forever once up. Connecting at start-up
// fails fast instead, as an UnavailableError naming Redis with the reason the client gave.
import { Redis } from 'ioredis';
import type { ServerConfig } from '../config/settings.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observe/log.js';

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
