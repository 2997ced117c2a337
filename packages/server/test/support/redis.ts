// Each test file owns a Redis key prefix and deletes its keys afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestRedis = { prefix: string; client: Redis; cleanup: () => Promise<void> };

export function createTestRedis(): TestRedis {
  const prefix = `t_${randomBytes(5).toString('hex')}:`;
  const client = new Redis(REDIS_URL, { keyPrefix: prefix });
  return {
    prefix,
    client,
    async cleanup() {
      const raw = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await raw.del(...keys);
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        client.disconnect();
      }
    },
  };
}
