// Rebuilding a sale's Redis state from Postgres: what a rebuilt sale answers, and how an instance
// behaves when another one holds the sale's rebuild lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import { saleDataKeys, saleKeys } from '../src/admission/keys.js';
import { createLogger } from '../src/observe/log.js';
import { createRebuilder } from '../src/sale/rebuild.js';
import { createPgStore } from '../src/store/pg/pg-store.js';
import type { SaleInfo, SaleStore } from '../src/store/sale-store.js';
import { query } from './support/db.js';
import { createWorld, type World } from './support/server.js';

describe('a sale rebuilt from Postgres', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50' });
  });
  afterAll(() => world.close());

  it('answers 410 code_expired, not 404, for a code whose hold had lapsed', async () => {
    const hold = await world.call('POST', '/checkout?user_id=eve&id=3');
    const saleId = Number(hold.body.sale_id);
    world.clock.advance(31_000);
    await world.redis.client.del(...saleDataKeys(saleId));

    const late = await world.call('POST', `/purchase?code=${hold.body.code}`);
    expect(late.status).toBe(410);
    expect(late.body.error).toBe('code_expired');
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.codes, String(hold.body.code))).toMatch(/^3\|eve\|\d+$/);
    expect(await world.redis.client.hexists(keys.holds, '3')).toBe(0);
    expect((await world.call('POST', '/checkout?user_id=fay&id=3')).status).toBe(200);
  });
});

describe('another instance rebuilding the sale', () => {
  let world: World;
  let sale: SaleInfo;
  const log = createLogger('silent');
  let store: SaleStore;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50' });
    store = createPgStore({ databaseUrl: world.db.url, size: 2, applicationName: 'rebuild-test' }, log);
    const hold = await world.call('POST', '/checkout?user_id=gus&id=7');
    await world.call('POST', `/purchase?code=${hold.body.code}`);
    sale = (await store.findSale(Number(hold.body.sale_id)))!;
  });
  afterAll(async () => {
    await store.close();
    await world.close();
  });

  const rebuilder = (hooks: { onWaiting?: () => void; onRebuilt?: () => void }) =>
    createRebuilder({
      store,
      admission: createAdmission(world.redis.client),
      log,
      clock: world.clock.now,
      ...hooks,
    });

  it('is waited for: the waiting instance goes on with the keys the other one wrote', async () => {
    const keys = saleKeys(sale.saleId);
    await world.redis.client.del(...saleDataKeys(sale.saleId));
    await world.redis.client.set(keys.rebuildLock, 'another-instance', 'PX', 30_000);

    let isWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => {
      isWaiting = resolve;
    });
    let waiterRebuilt = 0;
    const waited = rebuilder({ onWaiting: isWaiting, onRebuilt: () => waiterRebuilt++ }).ensure(sale);
    await waiting;

    // The other instance finishes: its lock gone, the keys rebuilt (here by a second rebuilder).
    await world.redis.client.del(keys.rebuildLock);
    let otherRebuilt = 0;
    await rebuilder({ onRebuilt: () => otherRebuilt++ }).ensure(sale);
    await waited;
    expect([waiterRebuilt, otherRebuilt]).toEqual([0, 1]);
    expect(await world.redis.client.hget(keys.sold, '7')).toBe('gus');
  });

  it('that never finishes turns into 503 unavailable after the wait, and nothing is rebuilt meanwhile', async () => {
    const keys = saleKeys(sale.saleId);
    await world.redis.client.del(...saleDataKeys(sale.saleId));
    await world.redis.client.set(keys.rebuildLock, 'stuck-instance', 'PX', 30_000);

    const answer = await world.call('POST', '/checkout?user_id=hal&id=8');
    expect(answer.status).toBe(503);
    expect(answer.body.error).toBe('unavailable');
    expect(await world.redis.client.exists(keys.meta)).toBe(0);

    await world.redis.client.del(keys.rebuildLock);
    expect((await world.call('POST', '/checkout?user_id=hal&id=8')).status).toBe(200);
    expect(await world.redis.client.hget(keys.sold, '7')).toBe('gus');
  });

  it('that finished between our check and our lock is not done again: the holds placed since survive', async () => {
    const keys = saleKeys(sale.saleId);
    await world.redis.client.del(...saleDataKeys(sale.saleId));
    const admission = createAdmission(world.redis.client);

    // Instance A saw the keys missing, then stalled before taking the lock ...
    let resumeA!: () => void;
    const aMayGoOn = new Promise<void>((resolve) => {
      resumeA = resolve;
    });
    let aChecks = 0;
    const staleA = {
      ...admission,
      async hasSale(saleId: number) {
        if (aChecks++ > 0) return admission.hasSale(saleId);
        await aMayGoOn;
        return false; // what A saw before it stalled
      },
    };
    let aRebuilt = 0;
    let aFoundDone = 0;
    const a = createRebuilder({
      store,
      admission: staleA,
      log,
      clock: world.clock.now,
      onRebuilt: () => aRebuilt++,
      onAlreadyRebuilt: () => aFoundDone++,
    }).ensure(sale);

    // ... while instance B rebuilt the sale and a buyer got a hold on it (not yet in Postgres).
    let bRebuilt = 0;
    await rebuilder({ onRebuilt: () => bRebuilt++ }).ensure(sale);
    const hold = await admission.checkout({
      saleId: sale.saleId,
      userId: 'ivy',
      itemId: 9,
      newCode: 'live-hold-code',
      nowMs: world.clock.now(),
    });
    expect(hold.kind).toBe('held');

    resumeA();
    await a;
    expect({ aRebuilt, aFoundDone, bRebuilt }).toEqual({ aRebuilt: 0, aFoundDone: 1, bRebuilt: 1 });
    expect(await world.redis.client.hget(keys.holds, '9')).toBe('live-hold-code');
    expect(await world.redis.client.hget(keys.sold, '7')).toBe('gus');
  });
});

describe('a purchase in flight while the sale was rebuilt, bought again from its restored hold', () => {
  let world: World;
  let store: SaleStore;
  const log = createLogger('silent');
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50' });
    store = createPgStore({ databaseUrl: world.db.url, size: 2, applicationName: 'rebuild-test' }, log);
  });
  afterAll(async () => {
    await store.close();
    await world.close();
  });

  it('is answered as the replay it is, and Redis takes the slot Postgres gave it', async () => {
    // Two holds of one buyer, then the record as a rebuild reading it now would find it.
    const codes: string[] = [];
    for (const item of [4, 5]) {
      const hold = await world.call('POST', `/checkout?user_id=kim&id=${item}`);
      codes.push(String(hold.body.code));
    }
    const saleId = Number(codes[0]!.split('.')[0]);
    const sale = (await store.findSale(saleId))!;
    const keys = saleKeys(saleId);
    const records = await store.saleRecords(saleId);
    // Both bought: item 4 in slot 1, item 5 in slot 2.
    for (const code of codes) expect((await world.call('POST', `/purchase?code=${code}`)).status).toBe(200);

    // The keys were lost while both purchases were on their way to Postgres, and the rebuild read
    // the record from before them: their codes came back as live holds and the buyer owns nothing.
    await world.redis.client.del(...saleDataKeys(saleId));
    await createAdmission(world.redis.client).restoreSale(sale, records, world.clock.now());
    expect(await world.redis.client.hget(keys.holds, '5')).toBe(codes[1]);

    // Someone replays the second code: Redis would admit it anew, in the first free slot (1).
    const replay = await world.call('POST', `/purchase?code=${codes[1]}`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ item_id: 5, replayed: true });
    const entry = await world.redis.client.hget(keys.purchased, codes[1]!);
    expect(entry?.split('|')[3]).toBe('2');
    expect(await world.redis.client.zscore(keys.pending, codes[1]!)).toBeNull();

    // The reconciler brings back the other one; Redis then agrees with Postgres throughout.
    await world.server.reconcileNow();
    expect(await world.redis.client.hget(keys.owned, 'kim')).toBe('3');
    expect(await world.redis.client.hgetall(keys.sold)).toEqual({ '4': 'kim', '5': 'kim' });
  });
  it("leaves the buyer's next purchase, whose slot Postgres has taken, bought in the next free slot", async () => {
    const codes: string[] = [];
    for (const item of [10, 11]) {
      const hold = await world.call('POST', `/checkout?user_id=lev&id=${item}`);
      codes.push(String(hold.body.code));
    }
    const saleId = Number(codes[0]!.split('.')[0]);
    const sale = (await store.findSale(saleId))!;
    const records = await store.saleRecords(saleId);
    expect((await world.call('POST', `/purchase?code=${codes[0]}`)).body).toMatchObject({ item_id: 10 });
    await world.redis.client.del(...saleDataKeys(saleId));
    await createAdmission(world.redis.client).restoreSale(sale, records, world.clock.now());

    // Redis, missing the first purchase, gives the second its slot (1); Postgres refuses that.
    const second = await world.call('POST', `/purchase?code=${codes[1]}`);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ item_id: 11 });
    const slots = await query<{ item_id: number; slot: number }>(
      world.db.url,
      "SELECT item_id, slot FROM purchases WHERE user_id = 'lev' ORDER BY item_id",
    );
    expect(slots).toEqual([
      { item_id: 10, slot: 1 },
      { item_id: 11, slot: 2 },
    ]);
    await world.server.reconcileNow();
    expect(await world.redis.client.hget(saleKeys(saleId).owned, 'lev')).toBe('3');
  });
});
