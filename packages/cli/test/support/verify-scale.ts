// A large sold-out sale written straight into Postgres and Redis (generate_series, pipelines), and
// a ledger of as many lines as asked that matches it, for showing that verify is set-based.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { formatRequestLine, type LedgerRequest } from '@flashsale/protocol';
import { saleKeys } from '@flashsale/server';
import type { Redis } from 'ioredis';
import { query } from '../../../server/test/support/db.js';

export type ScaleSale = { saleId: number; size: number; buyers: number; refusals: number };

const USER_LIMIT = 10;
const HOLD_TTL_MS = 300_000;
const refusalOutcomes = ['sold_out', 'item_held', 'user_limit'] as const;

/**
 * Every item sold, 10 to a buyer, with its checkout; `refusals` refused checkouts besides.
 * Returns the purchase id of each item.
 */
export async function writeScaleSale(
  url: string,
  redis: Redis,
  sale: ScaleSale,
  nowMs: number,
): Promise<Map<number, string>> {
  const { saleId, size, refusals } = sale;
  const endsMs = nowMs + 1_800_000;
  await query(
    url,
    `INSERT INTO sales (sale_id, starts_at, ends_at, size, user_limit, hold_ttl_ms)
     VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), $4, $5, $6)`,
    [saleId, nowMs - 1_800_000, endsMs, size, USER_LIMIT, HOLD_TTL_MS],
  );
  await query(
    url,
    `INSERT INTO items SELECT $1, i, 'item ' || i, 'https://img/' || i FROM generate_series(0, $2 - 1) i`,
    [saleId, size],
  );
  await query(url, 'INSERT INTO sale_slots SELECT $1, s FROM generate_series(1, $2) s', [saleId, USER_LIMIT]);
  // Holds taken 20 and 15 minutes ago, bought a second after: every hold has long lapsed.
  await query(
    url,
    `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
     SELECT gen_random_uuid(), 'c' || i, $1::int8, 'u' || (i / 10), i, 'ok', $1::text || '.k' || i,
            to_timestamp($2 / 1000.0) - interval '15 minutes', to_timestamp($2 / 1000.0) - interval '20 minutes'
     FROM generate_series(0, $3 - 1) i`,
    [saleId, nowMs, size],
  );
  await query(
    url,
    `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
     SELECT gen_random_uuid(), $1::int8, i, 'u' || (i / 10), i % 10 + 1, $1::text || '.k' || i, 'p' || i,
            to_timestamp($2 / 1000.0) - interval '15 minutes',
            to_timestamp($2 / 1000.0) - interval '20 minutes' + interval '1 second'
     FROM generate_series(0, $3 - 1) i`,
    [saleId, nowMs, size],
  );
  await query(
    url,
    `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
     SELECT gen_random_uuid(), 'r' || g, $1, 'v' || (g % 50000), g % $3, ($4::text[])[g % 3 + 1], NULL, NULL,
            to_timestamp($2 / 1000.0) - interval '10 minutes'
     FROM generate_series(0, $5 - 1) g`,
    [saleId, nowMs, size, refusalOutcomes, refusals],
  );
  await query(url, 'ANALYZE');

  const keys = saleKeys(saleId);
  const purchases = await query<{ item_id: number; purchase_id: string; user_id: string; slot: number }>(
    url,
    'SELECT item_id, purchase_id::text, user_id, slot FROM purchases WHERE sale_id = $1',
    [saleId],
  );
  const pipeline = redis.pipeline();
  pipeline.hset(keys.meta, { size, user_limit: USER_LIMIT, hold_ttl_ms: HOLD_TTL_MS, ends_at_ms: endsMs });
  const expiresMs = nowMs - 900_000;
  for (let i = 0; i < purchases.length; i += 1000) {
    const chunk = purchases.slice(i, i + 1000);
    pipeline.hset(keys.sold, ...chunk.flatMap((p) => [String(p.item_id), p.user_id]));
    pipeline.hset(
      keys.purchased,
      ...chunk.flatMap((p) => [
        `${saleId}.k${p.item_id}`,
        `${p.purchase_id}|${p.item_id}|${p.user_id}|${p.slot}|${expiresMs}`,
      ]),
    );
  }
  const owners = [...new Set(purchases.map((p) => p.user_id))];
  pipeline.hset(keys.owned, ...owners.flatMap((user) => [user, String(2 ** USER_LIMIT - 1)]));
  await pipeline.exec();
  return new Map(purchases.map((p) => [p.item_id, p.purchase_id]));
}

/** The ledger of that sale: each checkout and purchase acknowledged, and the refused checkouts. */
export async function writeScaleLedger(
  path: string,
  sale: ScaleSale,
  purchaseIds: ReadonlyMap<number, string>,
  nowMs: number,
): Promise<number> {
  const { saleId, size, refusals } = sale;
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let chunk = '';
  let lines = 0;
  const push = async (line: LedgerRequest) => {
    chunk += formatRequestLine(line);
    lines += 1;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  // Written by the simulator's own encoder, so the lines take the reader's fast path as real ones do.
  const line = (
    l: Omit<
      LedgerRequest,
      | 'behaviour'
      | 'attemptId'
      | 'issuedUserId'
      | 'issuedItemId'
      | 'reportedItemId'
      | 'expiresMs'
      | 'isReplayed'
      | 'intendedMs'
      | 'sentMs'
      | 'doneMs'
    >,
  ): LedgerRequest => ({
    ...l,
    behaviour: 'normal',
    attemptId: null,
    issuedUserId: null,
    issuedItemId: null,
    reportedItemId: null,
    expiresMs: null,
    isReplayed: false,
    intendedMs: nowMs + 0.125,
    sentMs: nowMs + 0.5,
    doneMs: nowMs + 3.25,
  });
  for (let i = 0; i < size; i++) {
    const user = `u${Math.floor(i / 10)}`;
    const code = `${saleId}.k${i}`;
    await push(
      line({
        requestId: `c${i}`,
        endpoint: 'checkout',
        userId: user,
        itemId: i,
        code,
        saleId,
        purchaseId: null,
        status: 200,
        error: null,
        outcome: 'ok',
      }),
    );
    await push(
      line({
        requestId: `p${i}`,
        endpoint: 'purchase',
        userId: user,
        itemId: i,
        code,
        saleId,
        purchaseId: purchaseIds.get(i)!,
        status: 200,
        error: null,
        outcome: 'ok',
      }),
    );
  }
  for (let g = 0; g < refusals; g++) {
    const outcome = refusalOutcomes[g % 3]!;
    await push(
      line({
        requestId: `r${g}`,
        endpoint: 'checkout',
        userId: `v${g % 50000}`,
        itemId: g % size,
        code: null,
        saleId: null,
        purchaseId: null,
        status: outcome === 'user_limit' ? 403 : 409,
        error: outcome,
        outcome: 'fail',
      }),
    );
  }
  out.end(chunk);
  await once(out, 'close');
  return lines;
}
