// Checkout attempts: every one, admitted or refused, is written by group commit before its
// answer leaves. Rows carry their own uuid, so a batch retried after a lost connection is harmless.
// The admitted ones are also where a rebuild finds the codes handed out and not purchased.
import type pg from 'pg';
import type { AttemptRow, CodeRecord } from '../sale-store.js';
import { queryIdempotent } from './pool.js';

// One statement text for every batch size, so Postgres keeps one plan.
const insertAttempts = `
  INSERT INTO checkout_attempts
    (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
  SELECT a, r, s, u, i, o, c, to_timestamp(e / 1000.0), to_timestamp(t / 1000.0)
  FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::text[], $5::int4[], $6::text[], $7::text[],
              $8::float8[], $9::float8[]) AS x(a, r, s, u, i, o, c, e, t)
  ON CONFLICT (attempt_id) DO NOTHING`;

// Codes handed out by admitted checkouts and not purchased: each code's latest attempt.
const selectUnpurchasedCodes = `
  SELECT DISTINCT ON (a.code) a.code, a.item_id, a.user_id,
         (extract(epoch FROM a.expires_at) * 1000)::int8::text AS expires_ms
  FROM checkout_attempts a
  WHERE a.sale_id = $1 AND a.outcome = 'ok'
    AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.code = a.code)
  ORDER BY a.code, a.expires_at DESC`;

export function attemptWriter(pool: pg.Pool) {
  return async (rows: readonly AttemptRow[]): Promise<readonly true[]> => {
    const n = rows.length;
    const ids = new Array<string>(n);
    const requestIds = new Array<string>(n);
    const saleIds = new Array<number>(n);
    const userIds = new Array<string>(n);
    const itemIds = new Array<number>(n);
    const outcomes = new Array<string>(n);
    const codes = new Array<string | null>(n);
    const expires = new Array<number | null>(n);
    const times = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      ids[i] = row.attemptId;
      requestIds[i] = row.requestId;
      saleIds[i] = row.saleId;
      userIds[i] = row.userId;
      itemIds[i] = row.itemId;
      outcomes[i] = row.outcome;
      codes[i] = row.code;
      expires[i] = row.expiresAtMs;
      times[i] = row.attemptedAtMs;
    }
    await queryIdempotent(pool, {
      name: 'insert_attempts',
      text: insertAttempts,
      values: [ids, requestIds, saleIds, userIds, itemIds, outcomes, codes, expires, times],
    });
    return new Array<true>(n).fill(true);
  };
}

export async function selectCodesOf(pool: pg.Pool, saleId: number): Promise<CodeRecord[]> {
  const { rows } = await pool.query<{ code: string; item_id: number; user_id: string; expires_ms: string }>({
    name: 'unpurchased_codes',
    text: selectUnpurchasedCodes,
    values: [saleId],
  });
  return rows.map((r) => ({
    code: r.code,
    itemId: r.item_id,
    userId: r.user_id,
    expiresAtMs: Number(r.expires_ms),
  }));
}
