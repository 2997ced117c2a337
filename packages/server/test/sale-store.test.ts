// The SaleStore contract where Postgres goes away: the call that lost its connection rejects with
// an error that means "unavailable", and nothing else in the process hears of it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/observe/log.js';
import { isConnectionFailure } from '../src/store/failures.js';
import { createPgStore } from '../src/store/pg/pg-store.js';
import type { SaleInfo, SaleStore } from '../src/store/sale-store.js';
import { createTestDatabase, query, type TestDatabase } from './support/db.js';

const APPLICATION = 'sale-store-test';

describe('a sale being opened when its connection is cut', () => {
  let db: TestDatabase;
  let store: SaleStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore(
      { databaseUrl: db.url, size: 2, applicationName: APPLICATION },
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('fails that open as unavailable, without an uncaught error, and the next open succeeds', async () => {
    const sale: SaleInfo = {
      saleId: 777,
      startsAtMs: Date.now(),
      endsAtMs: Date.now() + 3_600_000,
      size: 5,
      userLimit: 1,
      holdTtlMs: 1_000,
    };
    const itemText = (itemId: number) => ({ name: `item ${itemId}`, imageUrl: 'https://x/y.png' });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    // Another transaction inserts the sale and holds it uncommitted: the open waits on that row,
    // inside its own transaction, on a connection checked out of the pool.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO sales (sale_id, starts_at, ends_at, size, user_limit, hold_ttl_ms)
         VALUES ($1, now(), now() + interval '1 hour', 5, 1, 1000)`,
        [sale.saleId],
      );
      const opening = store.openSale(sale, itemText);
      const failed = opening.then(
        () => undefined,
        (error: unknown) => error,
      );
      const waiting = await waitForBackendWaitingOnLock();
      await query(db.url, 'SELECT pg_terminate_backend($1)', [waiting]);

      const error = await failed;
      expect(error, 'the open rejects').toBeInstanceOf(Error);
      expect(isConnectionFailure(error), String(error)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve)); // the socket's end is heard by now
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    expect(await store.openSale(sale, itemText)).toMatchObject({ isNew: true, sale: { saleId: 777 } });
  });

  async function waitForBackendWaitingOnLock(): Promise<number> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const [row] = await query<{ pid: number }>(
        db.url,
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [APPLICATION],
      );
      if (row !== undefined) return row.pid;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the open never waited on the uncommitted sale row');
  }
});

describe('a purchase written again under a code Postgres already has', () => {
  let db: TestDatabase;
  let store: SaleStore;
  const sale: SaleInfo = {
    saleId: 778,
    startsAtMs: Date.now(),
    endsAtMs: Date.now() + 3_600_000,
    size: 10,
    userLimit: 5,
    holdTtlMs: 10_000,
  };
  const row = (code: string, itemId: number, slot: number, purchasedAtMs: number) => ({
    purchaseId: `00000000-0000-8000-8000-${String(itemId).padStart(12, '0')}`,
    saleId: sale.saleId,
    itemId,
    userId: 'lou',
    slot,
    code,
    requestId: `req-${code}-${slot}`,
    holdExpiresAtMs: 1_800_000_000_000,
    purchasedAtMs,
  });
  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore(
      { databaseUrl: db.url, size: 2, applicationName: APPLICATION },
      createLogger('silent'),
    );
    await store.openSale(sale, (itemId) => ({ name: `item ${itemId}`, imageUrl: 'https://x/y.png' }));
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('in another slot, answers the row Postgres has, and whether another purchase holds that slot', async () => {
    expect(await store.writePurchases([row('c1', 1, 1, 1_000), row('c2', 2, 2, 2_000)])).toEqual([
      { status: 'stored' },
      { status: 'stored' },
    ]);
    const [again, moved, free] = await store.writePurchases([
      row('c1', 1, 1, 1_000),
      row('c1', 1, 2, 5_000),
      row('c2', 2, 3, 6_000),
    ]);
    expect(again).toMatchObject({
      status: 'exists',
      stored: { slot: 1, purchasedAtMs: 1_000 },
      isSlotTaken: false,
    });
    // Slot 2 belongs to c2: Redis must keep that bit when it moves c1 back to slot 1.
    expect(moved).toMatchObject({ status: 'exists', stored: { code: 'c1', slot: 1 }, isSlotTaken: true });
    expect(free).toMatchObject({ status: 'exists', stored: { code: 'c2', slot: 2 }, isSlotTaken: false });
  });

  it('twice in one batch, in two slots, stores the first and answers the second with it', async () => {
    const [first, second] = await store.writePurchases([row('c3', 3, 3, 7_000), row('c3', 3, 4, 8_000)]);
    expect(first).toEqual({ status: 'stored' });
    expect(second).toMatchObject({ status: 'exists', stored: { code: 'c3', slot: 3, purchasedAtMs: 7_000 } });
    const rows = await query<{ slot: number }>(db.url, "SELECT slot FROM purchases WHERE code = 'c3'");
    expect(rows).toEqual([{ slot: 3 }]);
  });
});
