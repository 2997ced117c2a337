// What the reconciler and GET /sale/items read of a sale's Redis state, decoded into plain values.
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from './client.js';
import { decodePurchasedEntry, type PurchasedEntry } from './entries.js';
import { saleKeys } from './keys.js';

/** A purchase admitted and not yet known durable; `entry` is undefined when it is missing or malformed. */
export type PendingPurchase = { code: string; admittedAtMs: Milliseconds; entry: PurchasedEntry | undefined };

export type ItemState = 'available' | 'held' | 'sold';

/** Whether the sale's state is in Redis: its meta hash is what the scripts look for. */
export async function hasSaleState(redis: RedisClient, saleId: number): Promise<boolean> {
  return (await redis.exists(saleKeys(saleId).meta)) === 1;
}

/** Up to `limit` pending purchases admitted at or before `admittedUpToMs`, oldest first. */
export async function readPendingPurchases(
  redis: RedisClient,
  saleId: number,
  admittedUpToMs: Milliseconds,
  limit: number,
): Promise<PendingPurchase[]> {
  const keys = saleKeys(saleId);
  // Scored by admission time: that is when the purchase happened, and what its row records.
  const scored = await redis.zrangebyscore(
    keys.pending,
    '-inf',
    admittedUpToMs,
    'WITHSCORES',
    'LIMIT',
    0,
    limit,
  );
  if (scored.length === 0) return [];
  const codes = scored.filter((_, i) => i % 2 === 0);
  const entries = await redis.hmget(keys.purchased, ...codes);
  return codes.map((code, i) => {
    const entry = entries[i];
    return {
      code,
      admittedAtMs: Number(scored[2 * i + 1]),
      entry: entry == null ? undefined : decodePurchasedEntry(entry),
    };
  });
}

/** How many purchases the sale's purchased hash records (pending ones included). */
export function countPurchased(redis: RedisClient, saleId: number): Promise<number> {
  return redis.hlen(saleKeys(saleId).purchased);
}

/** The codes of every purchase the sale's purchased hash records. */
export async function readPurchasedCodes(redis: RedisClient, saleId: number): Promise<Set<string>> {
  return new Set(await redis.hkeys(saleKeys(saleId).purchased));
}

/** Each item's state at `nowMs`: sold, held by a hold whose deadline has not passed, or available. */
export async function readItemStates(
  redis: RedisClient,
  saleId: number,
  itemIds: readonly number[],
  nowMs: Milliseconds,
): Promise<ItemState[]> {
  if (itemIds.length === 0) return [];
  const keys = saleKeys(saleId);
  const fields = itemIds.map(String);
  const [sold, deadlines] = await Promise.all([
    redis.hmget(keys.sold, ...fields),
    redis.zmscore(keys.deadlines, ...fields),
  ]);
  return itemIds.map((_, i) => {
    if (sold[i] != null) return 'sold';
    const deadline = deadlines[i];
    return deadline != null && Number(deadline) > nowMs ? 'held' : 'available';
  });
}
