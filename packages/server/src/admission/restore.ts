// Restoring a sale's Redis state from the durable record, in one MULTI: every data key replaced,
// the meta hash written last, since its presence is what lets the scripts decide again.
import type { Milliseconds } from '@flashsale/protocol';
import { UnavailableError } from '../errors.js';
import type { SaleInfo, SaleRecords } from '../store/sale-store.js';
import type { RedisClient } from './client.js';
import { encodeCodeEntry, encodeOwnedMask, encodePurchasedEntry } from './entries.js';
import { saleDataKeys, saleKeys } from './keys.js';
import { retainUntilMs } from './retention.js';

const CHUNK = 1000;

export type RestoredCounts = { sold: number; held: number; codes: number };

export async function restoreSale(
  redis: RedisClient,
  sale: SaleInfo,
  records: SaleRecords,
  nowMs: Milliseconds,
): Promise<RestoredCounts> {
  const keys = saleKeys(sale.saleId);
  const sold: string[] = [];
  const purchased: string[] = [];
  const slotsByUser = new Map<string, number[]>();
  const soldItems = new Set<number>();
  for (const p of records.purchases) {
    soldItems.add(p.itemId);
    sold.push(String(p.itemId), p.userId);
    purchased.push(p.code, encodePurchasedEntry(p));
    const slots = slotsByUser.get(p.userId);
    if (slots === undefined) slotsByUser.set(p.userId, [p.slot]);
    else slots.push(p.slot);
  }

  // At most one live hold per item: the code that lasts longest wins; the rest are lapsed codes.
  const liveByItem = new Map<number, SaleRecords['codes'][number]>();
  const codeEntries: string[] = [];
  for (const c of records.codes) {
    codeEntries.push(c.code, encodeCodeEntry(c));
    if (c.expiresAtMs <= nowMs || soldItems.has(c.itemId)) continue;
    const current = liveByItem.get(c.itemId);
    if (current === undefined || current.expiresAtMs < c.expiresAtMs) liveByItem.set(c.itemId, c);
  }
  const holds: string[] = [];
  const deadlines: string[] = [];
  const heldByUser = new Map<string, number>();
  for (const [itemId, c] of liveByItem) {
    holds.push(String(itemId), c.code);
    deadlines.push(String(c.expiresAtMs), String(itemId));
    heldByUser.set(c.userId, (heldByUser.get(c.userId) ?? 0) + 1);
  }

  const retainUntil = retainUntilMs(sale);
  const tx = redis.multi();
  tx.del(...saleDataKeys(sale.saleId));
  for (const chunk of chunks(sold)) tx.hset(keys.sold, ...chunk);
  for (const chunk of chunks(purchased)) tx.hset(keys.purchased, ...chunk);
  for (const chunk of chunks(codeEntries)) tx.hset(keys.codes, ...chunk);
  for (const chunk of chunks(holds)) tx.hset(keys.holds, ...chunk);
  for (const chunk of chunks(deadlines)) tx.zadd(keys.deadlines, ...chunk);
  const ownedArgs = [...slotsByUser].flatMap(([user, slots]) => [user, encodeOwnedMask(slots)]);
  for (const chunk of chunks(ownedArgs)) tx.hset(keys.owned, ...chunk);
  const heldArgs = [...heldByUser].flatMap(([user, n]) => [user, String(n)]);
  for (const chunk of chunks(heldArgs)) tx.hset(keys.held, ...chunk);
  tx.hset(keys.meta, {
    size: sale.size,
    user_limit: sale.userLimit,
    hold_ttl_ms: sale.holdTtlMs,
    ends_at_ms: sale.endsAtMs,
    retain_until_ms: retainUntil,
  });
  for (const key of saleDataKeys(sale.saleId)) tx.pexpireat(key, retainUntil);
  const results = await tx.exec();
  const failed = results?.find(([error]) => error !== null);
  if (results === null || failed !== undefined) {
    throw new UnavailableError('redis', failed?.[0] ?? new Error('rebuild transaction aborted'));
  }
  return { sold: records.purchases.length, held: liveByItem.size, codes: records.codes.length };
}

function* chunks(flat: string[]): Generator<string[]> {
  for (let i = 0; i < flat.length; i += CHUNK * 2) yield flat.slice(i, i + CHUNK * 2);
}
