// Checkout attempts: every one, admitted or refused, is written by group commit before its
// answer leaves. A batch is one COPY (one statement, all rows or none): Postgres parses text rows
// at about half the CPU of an INSERT over unnest of text arrays, and the client builds one string
// instead of nine arrays that pg would encode element by element; the statement, the rows and the
// end of the COPY go out in one socket write (copy-in.ts). Rows carry their own id, so a
// batch retried after a lost connection is harmless: a COPY that lost its connection, or that met
// rows already stored (its batch committed before), is redone as an INSERT that skips them.
// The admitted ones are also where a rebuild finds the codes handed out and not purchased.
import type pg from 'pg';
import { isoTimes } from '../../sale/iso-time.js';
import { isConnectionFailure } from '../failures.js';
import type { AttemptRow, CodeRecord } from '../sale-store.js';
import { copyIn } from './copy-in.js';
import { type KeptConnection, keptConnection, queryIdempotent } from './pool.js';

const copyAttempts =
  'COPY checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at) FROM STDIN';

// The retry: one statement text for every batch size, so Postgres keeps one plan.
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

// COPY's text format: a tab between fields, \N for null; these characters must be escaped.
const needsEscape = /[\t\n\r\\]/;

function copyText(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/[\t\n\r\\]/g, (c) =>
    c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\',
  );
}

const expiresIso = isoTimes();
const attemptedIso = isoTimes();

/** The batch as COPY text rows (exported for its test). */
export function attemptsCopyText(rows: readonly AttemptRow[]): string {
  let text = '';
  for (const row of rows) {
    text +=
      `${copyText(row.attemptId)}\t${copyText(row.requestId)}\t${row.saleId}\t${copyText(row.userId)}\t` +
      `${row.itemId}\t${row.outcome}\t${row.code === null ? '\\N' : copyText(row.code)}\t` +
      `${row.expiresAtMs === null ? '\\N' : expiresIso(row.expiresAtMs)}\t${attemptedIso(row.attemptedAtMs)}\n`;
  }
  return text;
}

async function copyOnce(connection: KeptConnection, text: string): Promise<void> {
  const client = await connection.take();
  try {
    await copyIn(client, copyAttempts, text);
  } catch (error) {
    // A connection that failed mid-COPY is not kept nor put back in the pool.
    connection.done(client, isConnectionFailure(error) ? (error as Error) : undefined);
    throw error;
  }
  connection.done(client);
}

const isAttemptKeyTaken = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'checkout_attempts_pkey';

/** Writes a batch of attempts; `release` gives back the connection it keeps between batches. */
export function attemptWriter(pool: pg.Pool) {
  const connection = keptConnection(pool);
  const write = async (rows: readonly AttemptRow[]): Promise<readonly true[]> => {
    try {
      await copyOnce(connection, attemptsCopyText(rows));
    } catch (error) {
      if (!isConnectionFailure(error) && !isAttemptKeyTaken(error)) throw error;
      await insertSkippingStored(pool, rows);
    }
    return new Array<true>(rows.length).fill(true);
  };
  return { write, release: connection.release };
}

async function insertSkippingStored(pool: pg.Pool, rows: readonly AttemptRow[]): Promise<void> {
  const columns = (pick: (row: AttemptRow) => unknown) => rows.map(pick);
  await queryIdempotent(pool, {
    name: 'insert_attempts',
    text: insertAttempts,
    values: [
      columns((r) => r.attemptId),
      columns((r) => r.requestId),
      columns((r) => r.saleId),
      columns((r) => r.userId),
      columns((r) => r.itemId),
      columns((r) => r.outcome),
      columns((r) => r.code),
      columns((r) => r.expiresAtMs),
      columns((r) => r.attemptedAtMs),
    ],
  });
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
