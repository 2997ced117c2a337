// Preparing the next sale ahead of its start (sale/prepare.ts), against a real service's Redis and
// Postgres with the clock set by hand: the sale is opened in both stores within the lead and not
// before, so at the boundary /health already says "open" and the first checkout finds it ready.
import { saleIdAt } from '@flashsale/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleKeys } from '../src/admission/keys.js';
import { prepareLeadMs } from '../src/sale/prepare.js';
import { query } from './support/db.js';
import { createWorld, type World } from './support/server.js';

const DAY_MS = 86_400_000; // the test sale period (DEFAULT_TEST_FLAGS)

describe('the next sale is prepared ahead of its start', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '20' });
  });
  afterAll(() => world.close());

  const saleIds = async () =>
    (await query<{ sale_id: string }>(world.db.url, 'SELECT sale_id FROM sales ORDER BY sale_id')).map((r) =>
      Number(r.sale_id),
    );

  it('within a minute of a day-long period, and not two minutes before', async () => {
    expect(prepareLeadMs(DAY_MS)).toBe(60_000);
    const current = saleIdAt(world.clock.now(), DAY_MS);
    const nextStartsAtMs = (current + 1) * DAY_MS;

    world.clock.set(nextStartsAtMs - 120_000);
    await world.server.prepareNow();
    expect(await saleIds()).toEqual([current]);

    world.clock.set(nextStartsAtMs - 30_000);
    await world.server.prepareNow();
    expect(await saleIds()).toEqual([current, current + 1]);
    // Opened in Redis too, so the first checkout at the boundary finds it ready.
    expect(await world.redis.client.hget(saleKeys(current + 1).meta, 'size')).toBe('20');
    expect(
      await query(world.db.url, 'SELECT count(*)::int AS n FROM items WHERE sale_id = $1', [current + 1]),
    ).toEqual([{ n: 20 }]);
  });

  it('at the boundary /health says the prepared sale is open before any request of it', async () => {
    const current = saleIdAt(world.clock.now(), DAY_MS);
    world.clock.set((current + 1) * DAY_MS);
    const health = await world.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.sale).toBe('open');
    const hold = await world.call('POST', '/checkout?user_id=ada&id=3');
    expect(hold.status).toBe(200);
    expect(hold.body.sale_id).toBe(current + 1);
  });

  it('a period nobody prepared is "opening" in /health (still 200) until its sale is open', async () => {
    const current = saleIdAt(world.clock.now(), DAY_MS);
    world.clock.set((current + 5) * DAY_MS + 1000);
    const before = await world.call('GET', '/health');
    expect(before.status).toBe(200);
    expect(before.body.sale).toBe('opening');
    await world.server.prepareNow();
    expect((await world.call('GET', '/health')).body.sale).toBe('open');
  });
});
