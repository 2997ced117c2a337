// An owner-checked lock in Redis: taken with SET NX and a TTL (an owner that dies frees it by
// expiry), released only by the owner that took it, since a lock that expired meanwhile may
// belong to another instance now.
import { randomUUID } from 'node:crypto';
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from './client.js';

export type Lock = {
  /** Deletes the lock if it is still this owner's; rejects when Redis cannot be reached. */
  release(): Promise<void>;
};

const RELEASE_IF_MINE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/** The lock when it was free, or undefined when another owner holds it. */
export async function acquireLock(
  redis: RedisClient,
  key: string,
  ttlMs: Milliseconds,
): Promise<Lock | undefined> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  return {
    async release() {
      await redis.eval(RELEASE_IF_MINE, 1, key, token);
    },
  };
}
