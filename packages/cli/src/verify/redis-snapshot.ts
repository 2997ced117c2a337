// Loads one sale's Redis state, as the service reads and decodes it (readSaleSnapshot), into the
// verify_redis_* temp tables, where the Redis invariants compare it with Postgres.
import { readFileSync } from 'node:fs';
import type { RedisClient } from '@flashsale/server';
import { type RedisSaleMeta, readSaleSnapshot } from '@flashsale/server';
import type pg from 'pg';

const createTables = readFileSync(new URL('./redis-tables.sql', import.meta.url), 'utf8');
const loadTables = readFileSync(new URL('./redis-load.sql', import.meta.url), 'utf8');

/** The sale's meta hash as Redis has it; null fields are missing or not numbers. */
export type RedisMeta = RedisSaleMeta;

export type RedisCounts = { sold: number; holds: number; pending: number };

/** What the invariants need to know beyond the tables; `meta` is null when the sale's keys are gone. */
export type RedisState = { meta: RedisMeta | null; counts: RedisCounts };

export async function createRedisTables(client: pg.ClientBase): Promise<void> {
  await client.query(createTables);
}

/** Snapshots the sale's keys and loads them; the tables must exist (createRedisTables). */
export async function loadRedisSnapshot(
  client: pg.ClientBase,
  redis: RedisClient,
  saleId: number,
): Promise<RedisState> {
  const { meta, sold, holds, deadlines, owned, ownedSlots, held, pending, purchased } =
    await readSaleSnapshot(redis, saleId);
  await client.query(loadTables, [
    sold.items,
    sold.userIds,
    holds.items,
    holds.codes,
    holds.entries,
    holds.entryItemIds,
    holds.entryUserIds,
    holds.entryExpiresAtMs,
    deadlines.items,
    deadlines.deadlinesMs,
    owned.userIds,
    owned.masks,
    owned.isMaskValid,
    ownedSlots.userIds,
    ownedSlots.slots,
    held.userIds,
    held.counts,
    pending.codes,
    pending.admittedAtMs,
    purchased.codes,
    purchased.entries,
    purchased.purchaseIds,
    purchased.itemIds,
    purchased.userIds,
    purchased.slots,
  ]);
  return {
    meta,
    counts: { sold: sold.items.length, holds: holds.items.length, pending: pending.codes.length },
  };
}
