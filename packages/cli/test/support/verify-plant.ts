// Violations planted behind the service's back in a copy of a sale (see verify-sale.ts): rows
// written straight into Postgres and entries straight into Redis, each as the service would
// have written them unless the point is that it did not.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SaleCopy, SoldOutSale } from './verify-sale.js';

/** Adds item `size` to the sale in Postgres and Redis; returns its id. */
export async function growSale(copy: SaleCopy, sale: SoldOutSale): Promise<number> {
  const [row] = await copy.sql<{ size: number }>(
    'UPDATE sales SET size = size + 1 WHERE sale_id = $1 RETURNING size',
    [sale.saleId],
  );
  const itemId = row!.size - 1;
  await copy.sql(
    `INSERT INTO items (sale_id, item_id, name, image_url) VALUES ($1, $2, 'planted', 'https://x/y.png')`,
    [sale.saleId, itemId],
  );
  await copy.redis.hset(copy.keys.meta, 'size', row!.size);
  return itemId;
}

export function plantedCode(sale: SoldOutSale): string {
  return `${sale.saleId}.${randomBytes(16).toString('base64url')}`;
}

export type PlantedPurchase = {
  itemId: number;
  userId: string;
  slot: number;
  /** The hold's deadline; its checkout is written unless `hasCheckout` is false. */
  holdExpiresAtMs: number;
  purchasedAtMs: number;
  hasCheckout?: boolean;
};

/** A purchase in Postgres (with its checkout) and in Redis (sold, owned, purchased), consistent. */
export async function plantPurchase(copy: SaleCopy, sale: SoldOutSale, p: PlantedPurchase): Promise<string> {
  const code = plantedCode(sale);
  if (p.hasCheckout !== false) await plantCheckout(copy, sale, { ...p, code });
  const purchaseId = randomUUID();
  await copy.sql(
    `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'planted-purchase', to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0))`,
    [purchaseId, sale.saleId, p.itemId, p.userId, p.slot, code, p.holdExpiresAtMs, p.purchasedAtMs],
  );
  const mask = Number((await copy.redis.hget(copy.keys.owned, p.userId)) ?? '0');
  await copy.redis.hset(copy.keys.owned, p.userId, String(mask + 2 ** (p.slot - 1)));
  await copy.redis.hset(copy.keys.sold, String(p.itemId), p.userId);
  await copy.redis.hset(
    copy.keys.purchased,
    code,
    `${purchaseId}|${p.itemId}|${p.userId}|${p.slot}|${p.holdExpiresAtMs}`,
  );
  return code;
}

export async function plantCheckout(
  copy: SaleCopy,
  sale: SoldOutSale,
  c: { itemId: number; userId: string; code: string; holdExpiresAtMs: number },
): Promise<void> {
  await copy.sql(
    `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
     VALUES ($1, 'planted-checkout', $2, $3, $4, 'ok', $5, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0))`,
    [randomUUID(), sale.saleId, c.userId, c.itemId, c.code, c.holdExpiresAtMs, c.holdExpiresAtMs - 30_000],
  );
}

/** Removes a purchase from Postgres and Redis, as if its write had been lost. */
export async function losePurchase(copy: SaleCopy, code: string): Promise<void> {
  const [row] = await copy.sql<{ item_id: number; user_id: string; slot: number }>(
    'DELETE FROM purchases WHERE code = $1 RETURNING item_id, user_id, slot',
    [code],
  );
  const mask = Number(await copy.redis.hget(copy.keys.owned, row!.user_id));
  await copy.redis.hset(copy.keys.owned, row!.user_id, String(mask - 2 ** (row!.slot - 1)));
  await copy.redis.hdel(copy.keys.sold, String(row!.item_id));
  await copy.redis.hdel(copy.keys.purchased, code);
}

/** A hold in Redis as the scripts would have placed it, with its checkout in Postgres unless not. */
export async function plantHold(
  copy: SaleCopy,
  sale: SoldOutSale,
  h: { itemId: number; userId: string; deadlineMs: number; hasCheckout?: boolean },
): Promise<string> {
  const code = plantedCode(sale);
  if (h.hasCheckout !== false) await plantCheckout(copy, sale, { ...h, code, holdExpiresAtMs: h.deadlineMs });
  await copy.redis.hset(copy.keys.holds, String(h.itemId), code);
  await copy.redis.zadd(copy.keys.deadlines, h.deadlineMs, String(h.itemId));
  await copy.redis.hset(copy.keys.codes, code, `${h.itemId}|${h.userId}|${h.deadlineMs}`);
  await copy.redis.hincrby(copy.keys.held, h.userId, 1);
  return code;
}

/** A purchase admitted in Redis (sold, owned, purchased, pending since `admittedMs`) that Postgres never got. */
export async function plantPendingPurchase(
  copy: SaleCopy,
  sale: SoldOutSale,
  p: { itemId: number; userId: string; admittedMs: number },
): Promise<string> {
  const code = plantedCode(sale);
  await copy.redis.hset(copy.keys.sold, String(p.itemId), p.userId);
  await copy.redis.hset(copy.keys.owned, p.userId, '1');
  await copy.redis.hset(
    copy.keys.purchased,
    code,
    `${randomUUID()}|${p.itemId}|${p.userId}|1|${p.admittedMs + 10_000}`,
  );
  await copy.redis.zadd(copy.keys.pending, p.admittedMs, code);
  return code;
}
