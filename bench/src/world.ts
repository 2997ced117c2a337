// The bench's world: a Postgres database and a Redis key prefix made for one bench run and
// removed at its end, whatever happened in between, and the sale period its service runs.
import { randomBytes } from 'node:crypto';
import { type Milliseconds, nextSaleStartMs } from '@flashsale/protocol';
import { Redis } from 'ioredis';
import pg from 'pg';

export const adminDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = 'redis://127.0.0.1:6379';

export type World = Readonly<{
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  saleDurationMs: Milliseconds;
}>;

const dayMs = 86_400_000;
/** Sale periods to choose from, longest first: a bench must not cross a period's end. */
const saleDurationsMs = [7, 6, 5, 3, 2, 1].map((days) => days * dayMs);
const marginMs = 30 * 60_000;

/**
 * A sale period long enough that the sale the bench opens (1,000,000 items take ~15 s) stays
 * current for the whole run: a new period would open a new sale mid-measurement.
 */
export function saleDurationFor(nowMs: Milliseconds): Milliseconds {
  const fitting = saleDurationsMs.find((durationMs) => nextSaleStartMs(nowMs, durationMs) - nowMs > marginMs);
  return fitting ?? 7 * dayMs;
}

export function createWorld(nowMs: Milliseconds = Date.now()): World {
  const tag = randomBytes(4).toString('hex');
  const databaseName = `flashsale_bench_${tag}`;
  return {
    databaseName,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${databaseName}`,
    redisUrl,
    redisKeyPrefix: `flashsale_bench_${tag}:`,
    saleDurationMs: saleDurationFor(nowMs),
  };
}

/** Drops the world's database (even with connections left) and deletes its Redis keys. */
export async function dropWorld(world: World): Promise<void> {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    // An identifier cannot be a parameter; the name is the bench's own (hex tag).
    await admin.query(`DROP DATABASE IF EXISTS "${world.databaseName}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(world.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${world.redisKeyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Rows in checkout_attempts: counted before and after a measured window. */
export async function countAttempts(world: World): Promise<number> {
  const client = new pg.Client({ connectionString: world.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*)::bigint AS n FROM checkout_attempts');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}
