import { afterAll, beforeAll, expect, it } from 'vitest';
import { saleKeys } from '../src/admission/keys.js';
import { query } from './support/db.js';
import { createWorld, type World } from './support/server.js';

let world: World;
beforeAll(async () => {
  world = await createWorld({ saleSize: '50', holdTtlMs: '30s' });
});
afterAll(() => world.close());

const post = (path: string) => world.call('POST', path);

it('a hold that lapses returns its item to sale', async () => {
  const hold = await post('/checkout?user_id=olga&id=1');
  expect(hold.status).toBe(200);
  expect((await post('/checkout?user_id=paul&id=1')).status).toBe(409);

  world.clock.advance(30_001);
  const sale = await world.call('GET', '/sale');
  expect(sale.body).toMatchObject({ held: 0, available: 50 - Number(sale.body.sold) });
  const retry = await post('/checkout?user_id=paul&id=1');
  expect(retry.status).toBe(200);
});

it('a purchase after the hold lapsed answers 410 code_expired and sells nothing', async () => {
  const hold = await post('/checkout?user_id=quinn&id=2');
  world.clock.advance(30_000); // expires_at is exclusive: at the deadline the hold is gone
  const late = await post(`/purchase?code=${hold.body.code}`);
  expect(late.status).toBe(410);
  expect(late.body.error).toBe('code_expired');
  expect(await query(world.db.url, 'SELECT 1 FROM purchases WHERE item_id = 2')).toHaveLength(0);
  // still 410 later, once the sweep has forgotten the hold
  world.clock.advance(60_000);
  expect((await post(`/purchase?code=${hold.body.code}`)).status).toBe(410);
});

it('a purchase just before the deadline succeeds', async () => {
  const hold = await post('/checkout?user_id=rita&id=3');
  world.clock.advance(29_999);
  expect((await post(`/purchase?code=${hold.body.code}`)).status).toBe(200);
});

it('the holder checking out again after a lapse gets a new code, and the old one stays expired', async () => {
  const first = await post('/checkout?user_id=sam&id=4');
  world.clock.advance(31_000);
  const second = await post('/checkout?user_id=sam&id=4');
  expect(second.status).toBe(200);
  expect(second.body.code).not.toBe(first.body.code);
  expect((await post(`/purchase?code=${first.body.code}`)).status).toBe(410);
  expect((await post(`/purchase?code=${second.body.code}`)).status).toBe(200);
});

it('lapsed holds no longer count toward the buyer limit', async () => {
  for (let i = 10; i < 20; i++) expect((await post(`/checkout?user_id=tess&id=${i}`)).status).toBe(200);
  expect((await post('/checkout?user_id=tess&id=20')).status).toBe(403);
  world.clock.advance(31_000);
  expect((await post('/checkout?user_id=tess&id=20')).status).toBe(200);
});

it('the reconciler releases lapsed holds without any traffic', async () => {
  const hold = await post('/checkout?user_id=uma&id=30');
  const keys = saleKeys(Number(hold.body.sale_id));
  const redis = world.redis.client;
  world.clock.advance(31_000);
  // Lapsed but not yet released: only a script call (a request, or the reconciler) sweeps it.
  expect(await redis.hget(keys.holds, '30')).toBe(hold.body.code);

  await world.server.reconcileNow();
  // Read straight from Redis: any request in between would sweep the hold itself.
  expect(await redis.hexists(keys.holds, '30')).toBe(0);
  expect(await redis.zscore(keys.deadlines, '30')).toBeNull();
  expect(await redis.hget(keys.held, 'uma')).toBeNull();
  // The code stays known as lapsed, so a late purchase still answers 410.
  expect(await redis.hexists(keys.codes, String(hold.body.code))).toBe(1);
});
