// The Lua scripts' less travelled paths, through the service and (for what only a failure
// triggers) the admission module itself, checked in Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import { saleDataKeys, saleKeys } from '../src/admission/keys.js';
import { purchaseIdFor } from '../src/sale/codes.js';
import { admitPurchaseOnly } from './support/admit.js';
import { REDIS_URL } from './support/redis.js';
import { createWorld, type World } from './support/server.js';

describe('the admission scripts', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '200', holdTtlMs: '30s' });
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
    // The refused checkout's hold was counted and taken back: the buyer still counts 10, item 60 is free.
    expect(await world.redis.client.hget(keys.held, 'sweep0')).toBe('10');
    expect(await world.redis.client.hexists(keys.holds, '60')).toBe(0);
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

  it('a buyer whose purchases fill the limit is refused with no held count left behind', async () => {
    let saleId = 0;
    for (let i = 0; i < 10; i++) {
      const held = await post(`/checkout?user_id=lee&id=${100 + i}`);
      saleId = Number(held.body.sale_id);
      expect((await post(`/purchase?code=${held.body.code}`)).status).toBe(200);
    }
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.held, 'lee')).toBeNull();
    expect((await post('/checkout?user_id=lee&id=110')).status).toBe(403);
    expect(await world.redis.client.hget(keys.held, 'lee')).toBeNull();
    expect(await world.redis.client.hexists(keys.holds, '110')).toBe(0);
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

      // A burst goes out as it arrives: its first 32 at once, the next 32 as the second call, the
      // rest (236, under the 256 one call holds) when a call answers; still decided in the order asked.
      sent.length = 0;
      const many = await Promise.all(Array.from({ length: 300 }, (_, i) => ask(`many${i}`, 99)));
      expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha']);
      expect(many[0]).toMatchObject({ kind: 'held', code: `${saleId}.many0-99` });
      expect(many.slice(1).every((d) => d.kind === 'refused' && d.reason === 'item_held')).toBe(true);

      // A second call goes out while the first is; checkouts asked while both are out wait for one
      // to answer, then go together as the next call.
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
        if (sent.length > 2) return send(command, stream);
        void released.then(() => send(command, stream)); // the first two calls stay out until released
        return command.promise;
      };
      const turn = () => new Promise((resolve) => setImmediate(resolve));
      const first = ask('turn0', 80);
      await turn();
      const second = ask('turn1', 81);
      await turn();
      const later = [ask('turn2', 82), ask('turn3', 83)];
      await turn();
      expect(sent).toEqual(['evalsha', 'evalsha']); // the later ones wait for a call to answer
      release();
      expect(await first).toMatchObject({ kind: 'held', code: `${saleId}.turn0-80` });
      expect(await second).toMatchObject({ kind: 'held', code: `${saleId}.turn1-81` });
      expect((await Promise.all(later)).map((d) => d.kind)).toEqual(['held', 'held']);
      expect(buyersOf).toEqual([['turn0'], ['turn1'], ['turn2', 'turn3']]);
    } finally {
      client.disconnect();
    }
  });

  /** An admission on a client of its own whose script calls are recorded, and held while `isHeld` says so. */
  const watchedAdmission = async () => {
    const client = new Redis(REDIS_URL, { keyPrefix: world.redis.prefix });
    await client.ping(); // connected: only the admission's own commands are watched
    const calls: Array<{ name: string; args: string[] }> = [];
    let isHeld: (args: readonly string[]) => boolean = () => false;
    let beforeSend: (args: readonly string[]) => Promise<void> = async () => {};
    const held: Array<() => void> = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      if (command.name !== 'evalsha' && command.name !== 'eval') return send(command, stream);
      const args = command.args.map(String);
      calls.push({ name: command.name, args });
      if (isHeld(args)) {
        held.push(() => send(command, stream));
      } else {
        void beforeSend(args).then(() => send(command, stream));
      }
      return command.promise;
    };
    const admission = createAdmission(client);
    /** A checkout through the watched admission, its code named after the sale, buyer and item. */
    const checkout = (saleId: number, userId: string, itemId: number, nowMs: number) =>
      admission.checkout({ saleId, userId, itemId, newCode: `${saleId}.pc-${userId}-${itemId}`, nowMs });
    return {
      admission,
      client,
      calls,
      checkout,
      /** A checkout that must place a hold: its decision. */
      async held(saleId: number, userId: string, itemId: number, nowMs: number) {
        const decision = await checkout(saleId, userId, itemId, nowMs);
        if (decision.kind !== 'held') throw new Error('no hold');
        return decision;
      },
      buy: (saleId: number, code: string, requestId: string, nowMs: number) =>
        admission.purchase({ saleId, code, purchaseId: purchaseIdFor(code), requestId, nowMs }),
      hold(when: (args: readonly string[]) => boolean) {
        isHeld = when;
      },
      before(step: (args: readonly string[]) => Promise<void>) {
        beforeSend = step;
      },
      releaseHeld() {
        isHeld = () => false;
        for (const sendHeld of held.splice(0)) sendHeld();
      },
    };
  };
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const codesIn = (args: readonly string[]) => args.filter((arg) => arg.includes('.pc-'));

  it('the purchases of one turn reach Redis as one script call: a code asked twice is bought by the first and replayed by the second', async () => {
    const saleId = Number((await post('/checkout?user_id=pc-quinn&id=120')).body.sale_id);
    const watched = await watchedAdmission();
    try {
      const now = world.clock.now();
      const a = await watched.held(saleId, 'rae', 121, now);
      const b = await watched.held(saleId, 'sam', 122, now);
      const buy = (code: string, requestId: string) => watched.buy(saleId, code, requestId, now);
      watched.calls.length = 0;
      const [first, second, other] = await Promise.all([
        buy(a.code, 'r1'),
        buy(a.code, 'r2'),
        buy(b.code, 'r3'),
      ]);
      expect(watched.calls.map((c) => c.name)).toEqual(['evalsha']);
      expect(codesIn(watched.calls[0]!.args)).toEqual([a.code, a.code, b.code]);
      const bought = {
        kind: 'purchased',
        purchaseId: purchaseIdFor(a.code),
        itemId: 121,
        userId: 'rae',
        slot: 1,
        holdExpiresAtMs: a.expiresAtMs,
        isPending: true,
        admittedAtMs: now,
      };
      expect(first).toEqual({ ...bought, isReplay: false });
      expect(second).toEqual({ ...bought, isReplay: true });
      expect(other).toMatchObject({ kind: 'purchased', itemId: 122, userId: 'sam', isReplay: false });
      const keys = saleKeys(saleId);
      expect(await world.redis.client.hget(keys.owned, 'rae')).toBe('1'); // one slot, not two
      expect(await world.redis.client.hget(keys.purchased, a.code)).toMatch(/\|r1$/); // the first request's
      expect(await world.redis.client.zscore(keys.pending, a.code)).toBe(String(now));

      // A burst goes as several calls (32 at once, 32 more, the rest when one answers), each answered.
      watched.calls.length = 0;
      const many = await Promise.all(
        Array.from({ length: 300 }, (_, i) => buy(`${saleId}.pc-none-${i}`, `m${i}`)),
      );
      expect(watched.calls.map((c) => c.name)).toEqual(['evalsha', 'evalsha', 'evalsha']);
      expect(many.every((d) => d.kind === 'refused' && d.reason === 'unknown_code')).toBe(true);
    } finally {
      watched.client.disconnect();
    }
  });

  it('the checkouts of one call are decided at the latest time among them, no sooner than any was asked', async () => {
    const saleId = Number((await post('/checkout?user_id=rae&id=75')).body.sale_id);
    const client = new Redis(REDIS_URL, { keyPrefix: world.redis.prefix });
    try {
      const admission = createAdmission(client);
      const t0 = world.clock.now();
      const ask = (userId: string, itemId: number, nowMs: number) =>
        admission.checkout({ saleId, userId, itemId, newCode: `${saleId}.${userId}-${itemId}`, nowMs });
      // rae's hold on 75 lasts until t0 + 30 s. Asked in one turn: sam at t0 + 29 s, tom at t0 + 31 s.
      const [sam, tom] = await Promise.all([ask('sam', 75, t0 + 29_000), ask('tom', 76, t0 + 31_000)]);
      // Decided at t0 + 31 s: rae's hold had lapsed, so sam takes item 75, until 30 s after that time.
      expect(sam).toEqual({ kind: 'held', code: `${saleId}.sam-75`, expiresAtMs: t0 + 61_000, isNew: true });
      expect(tom).toEqual({ kind: 'held', code: `${saleId}.tom-76`, expiresAtMs: t0 + 61_000, isNew: true });
    } finally {
      client.disconnect();
    }
  });

  it('a batch of purchases mixing live, unknown and lapsed codes answers each as if alone', async () => {
    const saleId = Number((await post('/checkout?user_id=pc-tia&id=130')).body.sale_id);
    const watched = await watchedAdmission();
    try {
      const now = world.clock.now();
      const hold = async (userId: string, itemId: number, nowMs: number) =>
        (await watched.held(saleId, userId, itemId, nowMs)).code;
      const live = await hold('uma', 131, now);
      const lapsed = await hold('uma', 132, now - 31_000); // its 30 s hold ended a second ago
      const alsoLive = await hold('vic', 133, now);
      const unknown = `${saleId}.pc-nobody-134`;
      const keys = saleKeys(saleId);
      expect(await world.redis.client.hget(keys.held, 'uma')).toBe('2');
      watched.calls.length = 0;
      const decisions = await Promise.all(
        [live, unknown, lapsed, alsoLive].map((code, i) => watched.buy(saleId, code, `x${i}`, now)),
      );
      expect(watched.calls.map((c) => c.name)).toEqual(['evalsha']);
      expect(decisions).toEqual([
        expect.objectContaining({ kind: 'purchased', itemId: 131, userId: 'uma', slot: 1, isReplay: false }),
        { kind: 'refused', reason: 'unknown_code' },
        { kind: 'refused', reason: 'code_expired' },
        expect.objectContaining({ kind: 'purchased', itemId: 133, userId: 'vic', slot: 1, isReplay: false }),
      ]);
      // The lapsed hold was released on the way (the item is anyone's), its code kept as lapsed.
      expect(await world.redis.client.hexists(keys.holds, '132')).toBe(0);
      expect(await world.redis.client.hget(keys.held, 'uma')).toBeNull();
      expect(await world.redis.client.hget(keys.codes, lapsed)).toMatch(/^132\|uma\|/);
      expect(await world.redis.client.hgetall(keys.sold)).toMatchObject({ 131: 'uma', 133: 'vic' });
      expect(await world.redis.client.hexists(keys.sold, '132')).toBe(0);
    } finally {
      watched.client.disconnect();
    }
  });

  it('purchases gathered while both calls are out go as the next call; when the keys vanish before it, each of them answers rebuild', async () => {
    const saleId = Number((await post('/checkout?user_id=pc-wes&id=140')).body.sale_id);
    const watched = await watchedAdmission();
    try {
      const now = world.clock.now();
      const codes: string[] = [];
      for (const [userId, itemId] of [
        ['xia', 141],
        ['yul', 142],
        ['zed', 143],
        ['ama', 144],
      ] as const) {
        codes.push((await watched.held(saleId, userId, itemId, now)).code);
      }
      const buy = (code: string) => watched.buy(saleId, code, 'r', now);
      watched.calls.length = 0;
      watched.hold((args) => codesIn(args).some((code) => code === codes[0] || code === codes[1]));
      const first = buy(codes[0]!);
      await turn();
      const second = buy(codes[1]!);
      await turn();
      const later = [buy(codes[2]!), buy(codes[3]!)];
      await turn();
      expect(watched.calls).toHaveLength(2); // the later ones wait for a call to answer
      // The sale's keys vanish after the first two calls ran and before the next is sent.
      watched.before(async () => {
        await world.redis.client.del(...saleDataKeys(saleId));
      });
      watched.releaseHeld();
      expect(await first).toMatchObject({ kind: 'purchased', itemId: 141 });
      expect(await second).toMatchObject({ kind: 'purchased', itemId: 142 });
      expect(await Promise.all(later)).toEqual([{ kind: 'rebuild' }, { kind: 'rebuild' }]);
      expect(watched.calls.map((c) => codesIn(c.args))).toEqual([
        [codes[0]],
        [codes[1]],
        [codes[2], codes[3]],
      ]);
    } finally {
      watched.client.disconnect();
    }
  });

  it("one sale's call out holds up neither the checkouts nor the purchases of another sale", async () => {
    const saleId = Number((await post('/checkout?user_id=pc-abe&id=150')).body.sale_id);
    const otherSaleId = saleId + 700_000; // a sale of its own in Redis, as far as the scripts go
    await world.redis.client.hset(saleKeys(otherSaleId).meta, {
      size: 200,
      user_limit: 10,
      hold_ttl_ms: 30_000,
    });
    const watched = await watchedAdmission();
    try {
      const now = world.clock.now();
      const checkout = (sale: number, userId: string, itemId: number) =>
        watched.checkout(sale, userId, itemId, now);
      const buy = (sale: number, code: string) => watched.buy(sale, code, code, now);
      const otherHold = await watched.held(otherSaleId, 'bea', 151, now);

      // Every call of the first sale stays out (as on a slow cluster node) until released.
      const firstSaleKey = saleKeys(saleId).meta;
      watched.hold((args) => args.some((arg) => arg.endsWith(firstSaleKey)));
      const stuckCheckout = checkout(saleId, 'cal', 152);
      const stuckPurchase = buy(saleId, `${saleId}.pc-nobody-153`);
      await turn();
      const quick = [checkout(otherSaleId, 'dee', 154), buy(otherSaleId, otherHold.code)] as const;
      await turn();
      const otherSaleKey = saleKeys(otherSaleId).meta;
      const otherSaleCalls = () =>
        watched.calls.filter((c) => c.args.some((arg) => arg.endsWith(otherSaleKey)));
      expect(otherSaleCalls()).toHaveLength(1 + 2); // sent, with the first sale's calls still out
      expect(await quick[0]).toMatchObject({ kind: 'held', isNew: true });
      expect(await quick[1]).toMatchObject({ kind: 'purchased', itemId: 151 });

      watched.releaseHeld();
      expect(await stuckCheckout).toMatchObject({ kind: 'held', isNew: true });
      expect(await stuckPurchase).toEqual({ kind: 'refused', reason: 'unknown_code' });
    } finally {
      watched.client.disconnect();
    }
  });

  it("a sale's checkout call out does not hold up its purchases: each script has its call in flight", async () => {
    const saleId = Number((await post('/checkout?user_id=pc-eli&id=160')).body.sale_id);
    const watched = await watchedAdmission();
    try {
      const now = world.clock.now();
      const held = await watched.held(saleId, 'fox', 161, now);
      watched.hold((args) => args.includes(`${saleId}.pc-gil-162`)); // a checkout call, until released
      const stuck = watched.checkout(saleId, 'gil', 162, now);
      await turn();
      const bought = watched.buy(saleId, held.code, 'r', now);
      await turn();
      expect(watched.calls.slice(-2).map((c) => codesIn(c.args))).toEqual([
        [`${saleId}.pc-gil-162`],
        [held.code],
      ]);
      expect(await bought).toMatchObject({ kind: 'purchased', itemId: 161 });
      watched.releaseHeld();
      expect(await stuck).toMatchObject({ kind: 'held', isNew: true });
    } finally {
      watched.client.disconnect();
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
