// Checkout attempts: every one, admitted or refused, is written by group commit before its
// answer leaves. Rows carry their own uuid, so a batch retried after a lost connection is harmless.

import type { Milliseconds } from '@flashsale/protocol';
import type pg from 'pg';
import { isConnectionFailure } from './failures.js';
import { queryIdempotent } from './pool.js';

export type AttemptOutcome = 'ok' | 'sold_out' | 'item_held' | 'user_limit';

export type AttemptRow = {
  attemptId: string;
  requestId: string;
  saleId: number;
  userId: string;
  itemId: number;
  outcome: AttemptOutcome;
  code: string | null;
  expiresAtMs: Milliseconds | null;
  attemptedAtMs: Milliseconds;
};

// One statement text for every batch size, so Postgres keeps one plan.
const insertAttempts = `
  INSERT INTO checkout_attempts
    (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
  SELECT a, r, s, u, i, o, c, to_timestamp(e / 1000.0), to_timestamp(t / 1000.0)
  FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::text[], $5::int4[], $6::text[], $7::text[],
              $8::float8[], $9::float8[]) AS x(a, r, s, u, i, o, c, e, t)
  ON CONFLICT (attempt_id) DO NOTHING`;

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
    await queryIdempotent(
      pool,
      {
        name: 'insert_attempts',
        text: insertAttempts,
        values: [ids, requestIds, saleIds, userIds, itemIds, outcomes, codes, expires, times],
      },
      isConnectionFailure,
    );
    return new Array<true>(n).fill(true);
  };
}
