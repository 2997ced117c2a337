// Rebuilding a sale's Redis state from Postgres, the durable record: used when a sale is first
// seen by Redis and whenever its keys vanished (flush, restart without persistence). One instance
// rebuilds under a lock; the scripts refuse to decide while the sale's meta key is missing.
import { randomUUID } from 'node:crypto';
import type { Milliseconds } from '@flashsale/protocol';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { saleDataKeys, saleKeys } from '../admission/keys.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { SaleInfo } from './open.js';
import { RETENTION_AFTER_SALE_MS } from './timing.js';

const LOCK_TTL_MS = 30_000;
const WAIT_FOR_OTHER_MS = 5_000;
const CHUNK = 1000;

export type RebuildDeps = {
  pool: pg.Pool;
  redis: Redis;
  log: Logger;
  clock: () => Milliseconds;
  onRebuilt?: () => void;
  /** Another instance holds the sale's rebuild lock: this one waits for its keys instead. */
  onWaiting?: () => void;
};

export type LoadedState = { sold: number; held: number; codes: number };

const selectPurchases = `
  SELECT code, purchase_id, item_id, user_id, slot, request_id,
         (extract(epoch FROM hold_expires_at) * 1000)::int8::text AS expires_ms
  FROM purchases WHERE sale_id = $1`;

// Codes handed out by admitted checkouts and not purchased: each code's latest attempt.
const selectCodes = `
  SELECT DISTINCT ON (a.code) a.code, a.item_id, a.user_id,
         (extract(epoch FROM a.expires_at) * 1000)::int8::text AS expires_ms
  FROM checkout_attempts a
  WHERE a.sale_id = $1 AND a.outcome = 'ok'
    AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.code = a.code)
  ORDER BY a.code, a.expires_at DESC`;

type PurchaseRow = {
  code: string;
  purchase_id: string;
  request_id: string;
  item_id: number;
  user_id: string;
  slot: number;
  expires_ms: string;
};
type CodeRow = { code: string; item_id: number; user_id: string; expires_ms: string };

export function retainUntilMs(sale: SaleInfo): Milliseconds {
  return sale.endsAtMs + sale.holdTtlMs + RETENTION_AFTER_SALE_MS;
}

/**
 * Makes sure the sale has its Redis state; rebuilds it from Postgres when it is missing.
 * Concurrent callers in one process share one rebuild.
 */
export function createRebuilder(deps: RebuildDeps) {
  const inFlight = new Map<number, Promise<void>>();

  async function rebuildOrWait(sale: SaleInfo): Promise<void> {
    const keys = saleKeys(sale.saleId);
    if ((await deps.redis.exists(keys.meta)) === 1) return;
    const token = randomUUID();
    const isOwner = (await deps.redis.set(keys.rebuildLock, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
    if (!isOwner) {
      deps.onWaiting?.();
      await waitForMeta(deps.redis, keys.meta);
      return;
    }
    try {
      const loaded = await load(deps, sale);
      deps.onRebuilt?.();
      deps.log.info('sale_rebuilt', { saleId: sale.saleId, ...loaded });
    } finally {
      // Released only if still ours: a lock that expired mid-rebuild may belong to another instance now.
      await deps.redis
        .eval(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          keys.rebuildLock,
          token,
        )
        .catch((error: unknown) => deps.log.warn('rebuild_unlock_failed', { saleId: sale.saleId, error }));
    }
  }

  return {
    ensure(sale: SaleInfo): Promise<void> {
      let pending = inFlight.get(sale.saleId);
      if (pending === undefined) {
        pending = rebuildOrWait(sale).finally(() => inFlight.delete(sale.saleId));
        inFlight.set(sale.saleId, pending);
      }
      return pending;
    },
  };
}

async function waitForMeta(redis: Redis, metaKey: string): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  while (Date.now() < deadline) {
    if ((await redis.exists(metaKey)) === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new UnavailableError('redis', new Error('another instance is still rebuilding the sale'));
}

async function load(deps: RebuildDeps, sale: SaleInfo): Promise<LoadedState> {
  const keys = saleKeys(sale.saleId);
  const [purchases, codes] = await Promise.all([
    deps.pool.query<PurchaseRow>({ name: 'rebuild_purchases', text: selectPurchases, values: [sale.saleId] }),
    deps.pool.query<CodeRow>({ name: 'rebuild_codes', text: selectCodes, values: [sale.saleId] }),
  ]);
  const nowMs = deps.clock();

  const sold: string[] = [];
  const purchased: string[] = [];
  const masks = new Map<string, number>();
  const soldItems = new Set<number>();
  for (const p of purchases.rows) {
    soldItems.add(p.item_id);
    sold.push(String(p.item_id), p.user_id);
    purchased.push(
      p.code,
      `${p.purchase_id}|${p.item_id}|${p.user_id}|${p.slot}|${p.expires_ms}|${p.request_id}`,
    );
    masks.set(p.user_id, (masks.get(p.user_id) ?? 0) + 2 ** (p.slot - 1));
  }

  // At most one live hold per item: the code that lasts longest wins; the rest are lapsed codes.
  const liveByItem = new Map<number, CodeRow>();
  const codeEntries: string[] = [];
  for (const c of codes.rows) {
    codeEntries.push(c.code, `${c.item_id}|${c.user_id}|${c.expires_ms}`);
    if (Number(c.expires_ms) <= nowMs || soldItems.has(c.item_id)) continue;
    const current = liveByItem.get(c.item_id);
    if (current === undefined || Number(current.expires_ms) < Number(c.expires_ms))
      liveByItem.set(c.item_id, c);
  }
  const holds: string[] = [];
  const deadlines: string[] = [];
  const heldByUser = new Map<string, number>();
  for (const [itemId, c] of liveByItem) {
    holds.push(String(itemId), c.code);
    deadlines.push(c.expires_ms, String(itemId));
    heldByUser.set(c.user_id, (heldByUser.get(c.user_id) ?? 0) + 1);
  }

  const tx = deps.redis.multi();
  tx.del(...saleDataKeys(sale.saleId));
  for (const chunk of chunks(sold)) tx.hset(keys.sold, ...chunk);
  for (const chunk of chunks(purchased)) tx.hset(keys.purchased, ...chunk);
  for (const chunk of chunks(codeEntries)) tx.hset(keys.codes, ...chunk);
  for (const chunk of chunks(holds)) tx.hset(keys.holds, ...chunk);
  for (const chunk of chunks(deadlines)) tx.zadd(keys.deadlines, ...chunk);
  const ownedArgs = [...masks].flatMap(([user, mask]) => [user, String(mask)]);
  for (const chunk of chunks(ownedArgs)) tx.hset(keys.owned, ...chunk);
  const heldArgs = [...heldByUser].flatMap(([user, n]) => [user, String(n)]);
  for (const chunk of chunks(heldArgs)) tx.hset(keys.held, ...chunk);
  // meta last: its presence is what lets the scripts decide again.
  tx.hset(keys.meta, {
    size: sale.size,
    user_limit: sale.userLimit,
    hold_ttl_ms: sale.holdTtlMs,
    ends_at_ms: sale.endsAtMs,
    retain_until_ms: retainUntilMs(sale),
  });
  for (const key of saleDataKeys(sale.saleId)) {
    tx.pexpireat(key, retainUntilMs(sale));
  }
  const results = await tx.exec();
  const failed = results?.find(([error]) => error !== null);
  if (results === null || failed !== undefined) {
    throw new UnavailableError('redis', failed?.[0] ?? new Error('rebuild transaction aborted'));
  }
  return { sold: purchases.rows.length, held: liveByItem.size, codes: codes.rows.length };
}

function* chunks(flat: string[]): Generator<string[]> {
  for (let i = 0; i < flat.length; i += CHUNK * 2) yield flat.slice(i, i + CHUNK * 2);
}
