// Reads one sale's Redis state atomically (one read-only script) and loads it into the
// verify_redis_* temp tables, where the Redis invariants compare it with Postgres.
import { readFileSync } from 'node:fs';
import { saleDataKeys } from '@flashsale/server';
import type { Redis } from 'ioredis';
import type pg from 'pg';

const snapshotScript = readFileSync(new URL('./redis-snapshot.lua', import.meta.url), 'utf8');
const createTables = readFileSync(new URL('./redis-tables.sql', import.meta.url), 'utf8');
const loadTables = readFileSync(new URL('./redis-load.sql', import.meta.url), 'utf8');

/** The sale's meta hash as Redis has it; null fields are missing or not numbers. */
export type RedisMeta = {
  size: number | null;
  userLimit: number | null;
  holdTtlMs: number | null;
  endsAtMs: number | null;
};

export type RedisCounts = { sold: number; holds: number; pending: number };

/** What the invariants need to know beyond the tables; `meta` is null when the sale's keys are gone. */
export type RedisState = { meta: RedisMeta | null; counts: RedisCounts };

export async function createRedisTables(client: pg.ClientBase): Promise<void> {
  await client.query(createTables);
}

/** Snapshots the sale's keys and loads them; the tables must exist (createRedisTables). */
export async function loadRedisSnapshot(
  client: pg.ClientBase,
  redis: Redis,
  saleId: number,
): Promise<RedisState> {
  const keys = saleDataKeys(saleId);
  const reply = (await redis.eval(snapshotScript, keys.length, ...keys)) as [number, ...string[][]];
  const [exists, meta, sold, holds, deadlines, owned, held, pending, purchased, holdCodes] = reply;
  const [soldItems, soldUsers] = columns(sold!);
  const [holdItems, holdCodeValues] = columns(holds!);
  const [deadlineItems, deadlineScores] = columns(deadlines!);
  const [ownedUsers, ownedMasks] = columns(owned!);
  const [heldUsers, heldCounts] = columns(held!);
  const [pendingCodes, pendingScores] = columns(pending!);
  const [purchasedCodes, purchasedEntries] = columns(purchased!);
  await client.query(loadTables, [
    soldItems,
    soldUsers,
    holdItems,
    holdCodeValues,
    holdCodes,
    deadlineItems,
    deadlineScores,
    ownedUsers,
    ownedMasks,
    heldUsers,
    heldCounts,
    pendingCodes,
    pendingScores,
    purchasedCodes,
    purchasedEntries,
  ]);
  return {
    meta: exists === 1 ? parseMeta(meta!) : null,
    counts: { sold: soldItems.length, holds: holdItems.length, pending: pendingCodes.length },
  };
}

/** A flat HGETALL / WITHSCORES list as two columns. */
function columns(flat: readonly string[]): [string[], string[]] {
  const keys: string[] = [];
  const values: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    keys.push(flat[i]!);
    values.push(flat[i + 1]!);
  }
  return [keys, values];
}

function parseMeta(flat: readonly string[]): RedisMeta {
  const [fields, values] = columns(flat);
  const field = (name: string): number | null => {
    const value = values[fields.indexOf(name)];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
  };
  return {
    size: field('size'),
    userLimit: field('user_limit'),
    holdTtlMs: field('hold_ttl_ms'),
    endsAtMs: field('ends_at_ms'),
  };
}
