// The Redis entry formats have two readers, the TypeScript codec (admission/entries.ts) and the
// Lua scripts' own (sale-lib.lua). Here each side reads what the other wrote, so a field changed
// on one side only fails a test.
import { saleIdAt } from '@flashsale/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import {
  decodeCodeEntry,
  decodeOwnedSlots,
  decodePurchasedEntry,
  encodeCodeEntry,
  encodeOwnedMask,
  encodePurchasedEntry,
  type PurchasedEntry,
} from '../src/admission/entries.js';
import { saleKeys } from '../src/admission/keys.js';
import { newCode, purchaseIdFor } from '../src/sale/codes.js';
import { createWorld, type World } from './support/server.js';

const DAY_MS = 86_400_000; // the test sale period (DEFAULT_TEST_FLAGS)

describe('the entry codec', () => {
  const purchase: PurchasedEntry = {
    purchaseId: '0b6f4a1e-27c4-8d0e-9a11-5f0c2d3e4a5b',
    itemId: 42,
    userId: 'ann.b:c-d_e',
    slot: 7,
    holdExpiresAtMs: 1_764_000_000_123,
    requestId: 'req-1',
  };

  it('decodes what it encodes', () => {
    const code = { itemId: 0, userId: 'u', expiresAtMs: 1_764_000_000_000 };
    expect(decodeCodeEntry(encodeCodeEntry(code))).toEqual(code);
    expect(decodePurchasedEntry(encodePurchasedEntry(purchase))).toEqual(purchase);
    expect(decodeOwnedSlots(encodeOwnedMask([1, 3, 50]))).toEqual([1, 3, 50]);
    expect(encodeOwnedMask([])).toBe('0');
  });

  it('reads a purchased entry written before request ids were recorded, with an empty request id', () => {
    expect(decodePurchasedEntry('p|3|bob|2|1700000000000')).toEqual({
      purchaseId: 'p',
      itemId: 3,
      userId: 'bob',
      slot: 2,
      holdExpiresAtMs: 1_700_000_000_000,
      requestId: '',
    });
  });

  it.each([
    '',
    '3|bob',
    '3|bob|',
    'x|bob|1700000000000',
    '3||1700000000000',
    '3|bob|17e11',
    '3|bob|1700000000000|extra',
    `${'9'.repeat(20)}|bob|1700000000000`,
  ])('%j is not a code entry', (text) => {
    expect(decodeCodeEntry(text)).toBeUndefined();
  });

  it.each([
    '',
    'p|3|bob|2',
    '|3|bob|2|1700000000000|r',
    'p|x|bob|2|1700000000000|r',
    'p|3|bob|two|1700000000000|r',
    'p|3|bob|2|1700000000000|r|more',
  ])('%j is not a purchased entry', (text) => {
    expect(decodePurchasedEntry(text)).toBeUndefined();
  });

  it.each(['', '-1', '1.5', 'x', '1'.repeat(19)])('%j is not an owned mask', (text) => {
    expect(decodeOwnedSlots(text)).toBeUndefined();
  });
});

describe('the codec and the Lua scripts', () => {
  let world: World;
  let saleId: number;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '20', userLimit: '3', holdTtlMs: '30s' });
    saleId = saleIdAt(world.clock.now(), DAY_MS);
  });
  afterAll(() => world.close());

  const redis = () => world.redis.client;
  const admission = () => createAdmission(world.redis.client);

  it('a code entry the checkout script wrote decodes to the hold it answered', async () => {
    const hold = await world.call('POST', '/checkout?user_id=amy&id=2');
    const entry = await redis().hget(saleKeys(saleId).codes, String(hold.body.code));
    expect(decodeCodeEntry(entry!)).toEqual({
      itemId: 2,
      userId: 'amy',
      expiresAtMs: Date.parse(String(hold.body.expires_at)),
    });
  });

  it('purchased entries and the owned mask the purchase script wrote decode to the purchases', async () => {
    const keys = saleKeys(saleId);
    const bought: PurchasedEntry[] = [];
    for (const itemId of [3, 4]) {
      const hold = await world.call('POST', `/checkout?user_id=bob&id=${itemId}`);
      const requestId = `buy-${itemId}`;
      const done = await world.call('POST', `/purchase?code=${hold.body.code}`, {
        'x-request-id': requestId,
      });
      expect(done.status).toBe(200);
      const entry = await redis().hget(keys.purchased, String(hold.body.code));
      bought.push(decodePurchasedEntry(entry!)!);
      expect(bought.at(-1)).toEqual({
        purchaseId: done.body.purchase_id,
        itemId,
        userId: 'bob',
        slot: bought.length,
        holdExpiresAtMs: Date.parse(String(hold.body.expires_at)),
        requestId,
      });
    }
    expect(decodeOwnedSlots((await redis().hget(keys.owned, 'bob'))!)).toEqual([1, 2]);
  });

  it('a code entry encoded here is one the purchase script redeems', async () => {
    const keys = saleKeys(saleId);
    const code = newCode(saleId, Date.now());
    const expiresAtMs = world.clock.now() + 10_000;
    await redis().hset(keys.codes, code, encodeCodeEntry({ itemId: 5, userId: 'cal', expiresAtMs }));
    await redis().hset(keys.holds, '5', code);
    await redis().zadd(keys.deadlines, expiresAtMs, '5');
    await redis().hincrby(keys.held, 'cal', 1);

    const decision = await admission().purchase({
      saleId,
      code,
      purchaseId: purchaseIdFor(code),
      requestId: 'planted',
      nowMs: world.clock.now(),
    });
    expect(decision).toMatchObject({
      kind: 'purchased',
      purchaseId: purchaseIdFor(code),
      itemId: 5,
      userId: 'cal',
      slot: 1,
      holdExpiresAtMs: expiresAtMs,
      isReplay: false,
    });
  });

  it('a purchased entry and owned mask encoded here are ones the scripts replay and undo', async () => {
    const keys = saleKeys(saleId);
    const code = newCode(saleId, Date.now());
    const entry: PurchasedEntry = {
      purchaseId: purchaseIdFor(code),
      itemId: 6,
      userId: 'dee',
      slot: 2,
      holdExpiresAtMs: world.clock.now() + 10_000,
      requestId: 'planted-dee',
    };
    await redis().hset(keys.purchased, code, encodePurchasedEntry(entry));
    await redis().hset(keys.sold, '6', 'dee');
    await redis().hset(keys.owned, 'dee', encodeOwnedMask([2]));

    const replay = await admission().purchase({
      saleId,
      code,
      purchaseId: entry.purchaseId,
      requestId: 'again',
      nowMs: world.clock.now(),
    });
    expect(replay).toMatchObject({
      kind: 'purchased',
      purchaseId: entry.purchaseId,
      itemId: 6,
      userId: 'dee',
      slot: 2,
      holdExpiresAtMs: entry.holdExpiresAtMs,
      isReplay: true,
    });

    expect(await admission().undoPurchase(saleId, code, world.clock.now())).toBe(true);
    expect(decodeCodeEntry((await redis().hget(keys.codes, code))!)).toEqual({
      itemId: 6,
      userId: 'dee',
      expiresAtMs: entry.holdExpiresAtMs,
    });
    expect(await redis().hget(keys.owned, 'dee')).toBeNull(); // slot 2 was its only one
  });

  it('a purchase the apply script wrote from a record decodes to that record', async () => {
    const code = newCode(saleId, Date.now());
    const record = {
      code,
      purchaseId: purchaseIdFor(code),
      requestId: 'from-postgres',
      itemId: 7,
      userId: 'eve',
      slot: 3,
      holdExpiresAtMs: world.clock.now() - 1_000,
    };
    expect(await admission().applyPurchases(saleId, [record])).toBe(1);
    const { code: _, ...entry } = record;
    const keys = saleKeys(saleId);
    expect(decodePurchasedEntry((await redis().hget(keys.purchased, code))!)).toEqual(entry);
    expect(decodeOwnedSlots((await redis().hget(keys.owned, 'eve'))!)).toEqual([3]);
  });
});
