// The Lua scripts' less travelled paths, through the service and (for what only a failure
// triggers) the admission module itself, checked in Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import { saleKeys } from '../src/admission/keys.js';
import { admitPurchaseOnly } from './support/admit.js';
import { REDIS_URL } from './support/redis.js';
import { createWorld, type World } from './support/server.js';

describe('the admission scripts', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '100', holdTtlMs: '30s' });
  });
  afterAll(() => world.close());

  const post = (path: string) => world.call('POST', path);

  it('a repeat checkout by the holder after the clock moved gets the same code and deadline, and no second hold', async () => {
    const first = await post('/checkout?user_id=ivy&id=1');
    world.clock.advance(20_000);
    const again = await post('/checkout?user_id=ivy&id=1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body); // same code, same expires_at: a refresh does not extend it
    const keys = saleKeys(Number(first.body.sale_id));
    expect(await world.redis.client.hget(keys.held, 'ivy')).toBe('1');
    expect(await world.redis.client.zscore(keys.deadlines, '1')).toBe(
      String(Date.parse(String(first.body.expires_at))),
    );
    world.clock.advance(10_000); // the original deadline, 30 s after the first checkout
    expect((await post(`/purchase?code=${first.body.code}`)).status).toBe(410);
  });

  it('a checkout sweeps no lapsed hold on its way to a hold, only before refusing a buyer at the limit', async () => {
    for (let i = 0; i < 20; i++) {
      expect((await post(`/checkout?user_id=sweep${i % 2}&id=${10 + i}`)).status).toBe(200);
    }
    const saleId = Number((await post('/checkout?user_id=jon&id=40')).body.sale_id);
    const keys = saleKeys(saleId);
    expect((await post('/checkout?user_id=sweep0&id=60')).status).toBe(403); // 10 live holds: the limit
    world.clock.advance(30_000); // all 21 lapse
    expect((await post('/checkout?user_id=kim&id=41')).status).toBe(200);
    expect(await world.redis.client.zcard(keys.deadlines)).toBe(21 + 1);
    expect(await world.redis.client.hlen(keys.holds)).toBe(21 + 1);

    // sweep0 still counts 10 holds, all lapsed: they are swept before the limit is judged.
    expect((await post('/checkout?user_id=sweep0&id=60')).status).toBe(200);
    expect(await world.redis.client.hgetall(keys.held)).toEqual({ kim: '1', sweep0: '1' });
    expect(await world.redis.client.zcard(keys.deadlines)).toBe(2);

    const sale = await world.call('GET', '/sale');
    expect(sale.body).toMatchObject({ held: 2 });
  });

  it('the checkouts of one event-loop turn, or of the time a call was out, reach Redis as one script call, decided in the order asked', async () => {
    const saleId = Number((await post('/checkout?user_id=nia&id=70')).body.sale_id);
    const client = new Redis(REDIS_URL, { keyPrefix: world.redis.prefix });
    try {
      const admission = createAdmission(client);
      const ask = (userId: string, itemId: number) =>
        admission.checkout({
          saleId,
          userId,
          itemId,
          newCode: `${saleId}.${userId}-${itemId}`,
          nowMs: world.clock.now(),
        });
      expect(await ask('nia', 70)).toMatchObject({ kind: 'held', isNew: false }); // the script is loaded now
      const sent: string[] = [];
      const send = client.sendCommand.bind(client);
      client.sendCommand = (command, stream) => {
        sent.push(command.name);
        return send(command, stream);
      };
      const decisions = await Promise.all([ask('oli', 71), ask('pat', 71), ask('oli', 72), ask('oli', 71)]);
      expect(sent).toEqual(['evalsha']);
      expect(decisions).toEqual([
        { kind: 'held', code: `${saleId}.oli-71`, expiresAtMs: expect.any(Number), isNew: true },
        { kind: 'refused', reason: 'item_held' },
        { kind: 'held', code: `${saleId}.oli-72`, expiresAtMs: expect.any(Number), isNew: true },
        { kind: 'held', code: `${saleId}.oli-71`, expiresAtMs: expect.any(Number), isNew: false },
      ]);

      // More than one call holds (256) go as several calls, still decided in the order asked.
      sent.length = 0;
      const many = await Promise.all(Array.from({ length: 300 }, (_, i) => ask(`many${i}`, 99)));
      expect(sent).toEqual(['evalsha', 'evalsha']);
      expect(many[0]).toMatchObject({ kind: 'held', code: `${saleId}.many0-99` });
      expect(many.slice(1).every((d) => d.kind === 'refused' && d.reason === 'item_held')).toBe(true);

      // Checkouts asked while a call is out wait for it, then go together as the next call.
      sent.length = 0;
      const buyersOf: string[][] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      client.sendCommand = (command, stream) => {
        sent.push(command.name);
        const args = command.args.map(String);
        buyersOf.push(args.filter((arg) => arg.startsWith('turn')));
        if (sent.length > 1) return send(command, stream);
        void released.then(() => send(command, stream)); // the first call stays out until released
        return command.promise;
      };
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      const first = ask('turn0', 80);
      await turn();
      const later = [ask('turn1', 81)];
      await turn();
      later.push(ask('turn2', 82), ask('turn3', 83));
      await turn();
      expect(sent).toEqual(['evalsha']); // the later ones wait for the call out
      release();
      expect(await first).toMatchObject({ kind: 'held', code: `${saleId}.turn0-80` });
      expect((await Promise.all(later)).map((d) => d.kind)).toEqual(['held', 'held', 'held']);
      expect(buyersOf).toEqual([['turn0'], ['turn1', 'turn2', 'turn3']]);
    } finally {
      client.disconnect();
    }
  });

  it('undoing a purchase after its hold lapsed returns the item to sale, not to its buyer', async () => {
    const hold = await post('/checkout?user_id=lea&id=50');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    const keys = saleKeys(saleId);
    await admitPurchaseOnly(world, { saleId, code, requestId: 'undone' });
    expect(await world.redis.client.hget(keys.sold, '50')).toBe('lea');

    world.clock.advance(30_000);
    const admission = createAdmission(world.redis.client);
    expect(await admission.undoPurchase(saleId, code, world.clock.now())).toBe(true);
    expect(await world.redis.client.hexists(keys.sold, '50')).toBe(0);
    expect(await world.redis.client.hexists(keys.purchased, code)).toBe(0);
    expect(await world.redis.client.zscore(keys.pending, code)).toBeNull();
    expect(await world.redis.client.hget(keys.owned, 'lea')).toBeNull();
    expect(await world.redis.client.hexists(keys.holds, '50')).toBe(0);
    expect(await world.redis.client.hget(keys.held, 'lea')).toBeNull();
    // The code is still known, as lapsed; the item is anyone's again.
    expect((await post(`/purchase?code=${code}`)).status).toBe(410);
    expect((await post('/checkout?user_id=max&id=50')).status).toBe(200);
    expect(await admission.undoPurchase(saleId, code, world.clock.now())).toBe(false);
  });
});
