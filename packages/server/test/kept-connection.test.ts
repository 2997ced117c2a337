// The connection each writer of the pg store keeps between its batches: one cut while it waited
// (a terminated backend, a restarted server) costs the next batch nothing but a retry, and the
// store still closes (the pool's end waits for connections checked out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observe/log.js';
import { createPgStore } from '../src/store/pg/pg-store.js';
import type { AttemptRow, PurchaseRow, SaleInfo, SaleStore } from '../src/store/sale-store.js';
import { createTestDatabase, query, type TestDatabase } from './support/db.js';

const APPLICATION = 'kept-connection-test';
const sale: SaleInfo = {
  saleId: 779,
  startsAtMs: Date.now(),
  endsAtMs: Date.now() + 3_600_000,
  size: 10,
  userLimit: 5,
  holdTtlMs: 10_000,
};

const attempt = (n: number): AttemptRow => ({
  attemptId: `019b0000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`,
  requestId: `req-${n}`,
  saleId: sale.saleId,
  userId: `u${n}`,
  itemId: n,
  outcome: 'ok',
  code: `${sale.saleId}.code${n}`,
  expiresAtMs: Date.now() + 300_000,
  attemptedAtMs: Date.now(),
});

const purchase = (n: number): PurchaseRow => ({
  purchaseId: `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`,
  saleId: sale.saleId,
  itemId: n,
  userId: `u${n}`,
  slot: 1,
  code: `${sale.saleId}.code${n}`,
  requestId: `req-${n}`,
  holdExpiresAtMs: Date.now() + 300_000,
  purchasedAtMs: Date.now(),
});

describe('a writer connection cut between batches', () => {
  let db: TestDatabase;
  let store: SaleStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore(
      { databaseUrl: db.url, size: 4, applicationName: APPLICATION },
      createLogger('silent'),
    );
    await store.openSale(sale, (itemId) => ({ name: `item ${itemId}`, imageUrl: 'https://x/y.png' }));
  });
  afterAll(async () => {
    await db.drop();
  });

  const backends = async () =>
    (
      await query<{ pid: number }>(db.url, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
        APPLICATION,
      ])
    ).map((row) => row.pid);
  const count = async (table: string) =>
    (await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  it('is replaced by the next batch, which lands once, for attempts and purchases alike', async () => {
    await store.writeAttempts([attempt(1), attempt(2)]);
    expect(await store.writePurchases([purchase(1)])).toEqual([{ status: 'stored' }]);
    const kept = await backends();
    expect(kept.length).toBeGreaterThan(0);
    await query(db.url, 'SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [kept]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the cut is heard by the clients

    await store.writeAttempts([attempt(3)]);
    expect(await store.writePurchases([purchase(2)])).toEqual([{ status: 'stored' }]);
    expect(await count('checkout_attempts')).toBe(3);
    expect(await count('purchases')).toBe(2);
    // The cut connections are gone; the ones that replaced them are new backends.
    expect((await backends()).filter((pid) => kept.includes(pid))).toEqual([]);
  });

  it('closes the store with the kept connections returned', async () => {
    await store.writeAttempts([attempt(4)]);
    await store.writePurchases([purchase(3)]);
    await store.close(); // would wait forever for a connection still checked out
    expect(await backends()).toEqual([]);
  });
});
