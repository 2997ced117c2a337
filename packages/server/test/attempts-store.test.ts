// The attempt writer of the pg store: a batch lands as one COPY, every field as given, and a batch
// written again (a retry whose first try committed) or overlapping stored rows still lands whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observe/log.js';
import { attemptsCopyText } from '../src/store/pg/attempts.js';
import { createPgStore } from '../src/store/pg/pg-store.js';
import type { AttemptRow, SaleStore } from '../src/store/sale-store.js';
import { createTestDatabase, query, type TestDatabase } from './support/db.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function row(n: number, overrides: Partial<AttemptRow> = {}): AttemptRow {
  return {
    attemptId: `019b0000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
    requestId: `req-${n}`,
    saleId: 42,
    userId: `u${n}`,
    itemId: n,
    outcome: 'ok',
    code: `42.code${n}`,
    expiresAtMs: T0 + 300_000,
    attemptedAtMs: T0,
    ...overrides,
  };
}

type Stored = {
  attempt_id: string;
  request_id: string;
  sale_id: string;
  user_id: string;
  item_id: number;
  outcome: string;
  code: string | null;
  expires_ms: string | null;
  attempted_ms: string;
};

describe('writeAttempts', () => {
  let db: TestDatabase;
  let store: SaleStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore(
      { databaseUrl: db.url, size: 2, applicationName: 'attempts-test' },
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const stored = () =>
    query<Stored>(
      db.url,
      `SELECT attempt_id, request_id, sale_id::text, user_id, item_id, outcome, code,
              (extract(epoch FROM expires_at) * 1000)::int8::text AS expires_ms,
              (extract(epoch FROM attempted_at) * 1000)::int8::text AS attempted_ms
       FROM checkout_attempts ORDER BY attempt_id`,
    );

  it('stores every field of admitted and refused rows, to the millisecond, with escaped text', async () => {
    const rows = [
      row(1),
      row(2, { outcome: 'item_held', code: null, expiresAtMs: null, requestId: 'tab\there\\back\nnl' }),
    ];
    expect(await store.writeAttempts(rows)).toEqual([true, true]);
    expect(await stored()).toEqual([
      {
        attempt_id: rows[0]!.attemptId,
        request_id: 'req-1',
        sale_id: '42',
        user_id: 'u1',
        item_id: 1,
        outcome: 'ok',
        code: '42.code1',
        expires_ms: String(T0 + 300_000),
        attempted_ms: String(T0),
      },
      {
        attempt_id: rows[1]!.attemptId,
        request_id: 'tab\there\\back\nnl',
        sale_id: '42',
        user_id: 'u2',
        item_id: 2,
        outcome: 'item_held',
        code: null,
        expires_ms: null,
        attempted_ms: String(T0),
      },
    ]);
  });

  it('a batch written again, or mixing stored and new rows, lands whole and once', async () => {
    const again = [row(1), row(2, { outcome: 'item_held', code: null, expiresAtMs: null })];
    expect(await store.writeAttempts(again)).toEqual([true, true]);
    expect(await store.writeAttempts([row(3), row(1)])).toEqual([true, true]);
    const ids = (await stored()).map((r) => r.attempt_id);
    expect(ids).toEqual([row(1).attemptId, row(2).attemptId, row(3).attemptId]);
  });

  it('a refused row breaks no constraint of the table silently: a bad outcome rejects the batch', async () => {
    const bad = row(9, { outcome: 'ok', code: null });
    await expect(store.writeAttempts([bad])).rejects.toThrow(/check constraint/);
  });
});

describe('attemptsCopyText', () => {
  it('is one line per row, tab-separated, \\N for nulls', () => {
    const text = attemptsCopyText([row(7, { outcome: 'sold_out', code: null, expiresAtMs: null })]);
    expect(text).toBe(
      `${row(7).attemptId}\treq-7\t42\tu7\t7\tsold_out\t\\N\t\\N\t2026-01-02T03:04:05.678Z\n`,
    );
  });
});

describe('writeAttempts when its connection is cut mid-COPY', () => {
  let db: TestDatabase;
  let store: SaleStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore(
      { databaseUrl: db.url, size: 2, applicationName: 'attempts-cut-test' },
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('does not crash the process, and the batch still lands whole once', async () => {
    const rows = Array.from({ length: 150_000 }, (_, n) => row(n));
    const written = store.writeAttempts(rows);
    // Cut every connection of the store while the COPY streams (as the pg-drop fault does).
    let cut = 0;
    for (let tries = 0; tries < 200 && cut === 0; tries += 1) {
      const [terminated] = await query<{ n: number }>(
        db.url,
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE application_name = 'attempts-cut-test' AND query LIKE 'COPY%'`,
      );
      cut = terminated!.n;
      if (cut === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(cut).toBeGreaterThan(0);
    await written;
    const [count] = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM checkout_attempts');
    expect(count!.n).toBe(rows.length);
  }, 120_000);
});
