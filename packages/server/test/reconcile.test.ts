// The reconciler's paths one by one, against a real service's Redis and Postgres: each test sets
// up exactly the state its path repairs (or must leave alone), runs one pass by hand and reads the
// result straight from both stores.

import { saleIdAt } from '@flashsale/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleDataKeys, saleKeys } from '../src/admission/keys.js';
import { RETENTION_AFTER_SALE_MS } from '../src/admission/retention.js';
import { PENDING_GRACE_MS } from '../src/sale/timing.js';
import { admitPurchaseOnly } from './support/admit.js';
import { query } from './support/db.js';
import { createWorld, type World } from './support/server.js';

const DAY_MS = 86_400_000; // the test sale period (DEFAULT_TEST_FLAGS)

describe('the reconciler settles what a dead request left in Redis', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50' });
  });
  afterAll(() => world.close());

  it('undoes a purchase Redis admitted that Postgres refuses, and shows the purchase Postgres has instead', async () => {
    const hold = await world.call('POST', '/checkout?user_id=ada&id=1');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    await admitPurchaseOnly(world, { saleId, code, requestId: 'died' });
    // Postgres already has item 1 sold to someone else (a write Redis never saw).
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES (gen_random_uuid(), $1, 1, 'bea', 1, 'bea-code', 'r', now(), now())`,
      [saleId],
    );

    world.clock.advance(PENDING_GRACE_MS + 1);
    const reports = await world.server.reconcileNow();
    expect(reports).toEqual([{ saleId, rolledForward: 0, undone: 1, applied: 1 }]);
    const keys = saleKeys(saleId);
    const redis = world.redis.client;
    expect(await redis.hget(keys.sold, '1')).toBe('bea');
    expect(await redis.hkeys(keys.purchased)).toEqual(['bea-code']);
    expect(await redis.zcard(keys.pending)).toBe(0);
    expect(await redis.hget(keys.owned, 'ada')).toBeNull();
    expect(await redis.hget(keys.held, 'ada')).toBeNull();
    expect(await redis.hexists(keys.holds, '1')).toBe(0);
    expect(await query(world.db.url, 'SELECT user_id FROM purchases WHERE item_id = 1')).toEqual([
      { user_id: 'bea' },
    ]);
  });

  it('moves a purchase Redis admitted again in another slot to the slot Postgres has it in', async () => {
    const hold = await world.call('POST', '/checkout?user_id=cal&id=30');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    // Postgres has this code's purchase in slot 3 (its first admission, lost in a rebuild) ...
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES (gen_random_uuid(), $1, 30, 'cal', 3, $2, 'first', now(), now())`,
      [saleId, code],
    );
    // ... and Redis admitted the code again, in the buyer's first free slot, by a request that died.
    await admitPurchaseOnly(world, { saleId, code, requestId: 'died' });
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.owned, 'cal')).toBe('1');

    world.clock.advance(PENDING_GRACE_MS + 1);
    await world.server.reconcileNow();
    expect(await world.redis.client.hget(keys.owned, 'cal')).toBe('4');
    expect((await world.redis.client.hget(keys.purchased, code))?.split('|')[3]).toBe('3');
    expect(await world.redis.client.zscore(keys.pending, code)).toBeNull();
  });

  it('drops a pending code that has no purchase entry, writing nothing', async () => {
    const saleId = saleIdAt(world.clock.now(), DAY_MS);
    const keys = saleKeys(saleId);
    await world.redis.client.zadd(keys.pending, world.clock.now(), 'orphan-code');
    world.clock.advance(PENDING_GRACE_MS + 1);
    const reports = await world.server.reconcileNow();
    expect(reports).toEqual([{ saleId, rolledForward: 0, undone: 0, applied: 0 }]);
    expect(await world.redis.client.zscore(keys.pending, 'orphan-code')).toBeNull();
    expect(await query(world.db.url, "SELECT 1 FROM purchases WHERE code = 'orphan-code'")).toHaveLength(0);
  });

  it('keeps every key of the sale until a day after its last hold can lapse', async () => {
    const saleId = saleIdAt(world.clock.now(), DAY_MS);
    const redis = world.redis.client;
    const present: string[] = [];
    for (const key of saleDataKeys(saleId)) if ((await redis.exists(key)) === 1) present.push(key);
    expect(present.length).toBeGreaterThanOrEqual(5); // meta, sold, purchased, owned, codes at least
    for (const key of present) await redis.persist(key);

    await world.server.reconcileNow();
    const retainUntilMs = (saleId + 1) * DAY_MS + world.config.holdTtlMs + RETENTION_AFTER_SALE_MS;
    for (const key of present) expect(await redis.pexpiretime(key), key).toBe(retainUntilMs);
  });

  it('leaves a sale alone while another instance holds its lock, and releases its own after a pass', async () => {
    const hold = await world.call('POST', '/checkout?user_id=cy&id=2');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    await admitPurchaseOnly(world, { saleId, code, requestId: 'died-too' });
    world.clock.advance(PENDING_GRACE_MS + 1);
    const keys = saleKeys(saleId);
    await world.redis.client.set(keys.reconcileLock, 'another-instance', 'PX', 30_000);

    expect(await world.server.reconcileNow()).toEqual([]);
    expect(await world.redis.client.zscore(keys.pending, code)).not.toBeNull();
    expect(await query(world.db.url, 'SELECT 1 FROM purchases WHERE code = $1', [code])).toHaveLength(0);
    expect(await world.redis.client.get(keys.reconcileLock)).toBe('another-instance');

    await world.redis.client.del(keys.reconcileLock);
    expect(await world.server.reconcileNow()).toEqual([{ saleId, rolledForward: 1, undone: 0, applied: 0 }]);
    expect(await query(world.db.url, 'SELECT request_id FROM purchases WHERE code = $1', [code])).toEqual([
      { request_id: 'died-too' },
    ]);
    expect(await world.redis.client.exists(keys.reconcileLock)).toBe(0);
  });
  it("keeps a buyer's slot when Postgres refuses a purchase because one Redis missed holds that slot", async () => {
    // A rebuild read Postgres before two purchases in flight committed, so Redis lacks them: gil's
    // (item 20, slot 1) and hoa's. gil's next purchase then takes slot 1 again in Redis.
    const missed = await world.call('POST', '/checkout?user_id=gil&id=20');
    const next = await world.call('POST', '/checkout?user_id=gil&id=21');
    const saleId = Number(missed.body.sale_id);
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES (gen_random_uuid(), $1, 20, 'gil', 1, $2, 'in-flight', now(), now()),
              (gen_random_uuid(), $1, 22, 'hoa', 1, 'hoa-code', 'in-flight', now(), now())`,
      [saleId, missed.body.code],
    );
    await admitPurchaseOnly(world, { saleId, code: String(next.body.code), requestId: 'next' });
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.owned, 'gil')).toBe('1');

    // One pass shows both missed purchases (gil's slot 1 is set already, by the pending one) ...
    expect(await world.server.reconcileNow()).toEqual([{ saleId, rolledForward: 0, undone: 0, applied: 2 }]);
    // ... the next settles the pending one: Postgres refuses it (slot taken), and it is undone.
    world.clock.advance(PENDING_GRACE_MS + 1);
    expect(await world.server.reconcileNow()).toEqual([{ saleId, rolledForward: 0, undone: 1, applied: 0 }]);
    expect(await world.redis.client.hget(keys.owned, 'gil')).toBe('1');
    expect(await world.redis.client.hget(keys.sold, '20')).toBe('gil');
    expect(await world.redis.client.hexists(keys.sold, '21')).toBe(0);
    expect(await world.redis.client.hexists(keys.purchased, String(next.body.code))).toBe(0);
  });
});
