import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../src/config/settings.js';
import { createLogger } from '../src/observe/log.js';
import { openSale } from '../src/sale/open.js';
import { startServer } from '../src/start.js';
import { createPgStore } from '../src/store/pg/pg-store.js';
import { query, useTestStores } from './support/db.js';
import { REDIS_URL } from './support/redis.js';
import { call, createWorld, DEFAULT_TEST_FLAGS, type World } from './support/server.js';

describe('concurrent buyers', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '1000', userLimit: '10' });
  });
  afterAll(() => world.close());

  it('2,000 concurrent checkouts by 100 buyers on 20 items hold each item exactly once', async () => {
    const requests = Array.from({ length: 2000 }, (_, i) =>
      world.call('POST', `/checkout?user_id=race${i % 100}&id=${i % 20}`),
    );
    const answers = await Promise.all(requests);
    const holders = new Map<number, Set<string>>();
    answers.forEach((a, i) => {
      if (a.status !== 200) return;
      const users = holders.get(i % 20) ?? new Set();
      users.add(`race${i % 100}`);
      holders.set(i % 20, users);
    });
    expect(answers.every((a) => [200, 409, 403].includes(a.status))).toBe(true);
    expect([...holders.values()].map((users) => users.size)).toEqual(new Array(20).fill(1));

    const rows = await query<{ item_id: number; holders: number; codes: number; attempts: number }>(
      world.db.url,
      `SELECT item_id, count(DISTINCT user_id) FILTER (WHERE outcome = 'ok')::int AS holders,
              count(DISTINCT code)::int AS codes, count(*)::int AS attempts
       FROM checkout_attempts WHERE user_id LIKE 'race%' GROUP BY item_id ORDER BY item_id`,
    );
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.holders === 1 && r.codes === 1)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(2000);
  });

  it('one buyer firing 40 parallel checkouts gets exactly USER_LIMIT holds', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => world.call('POST', `/checkout?user_id=greedy&id=${100 + i}`)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 403 && a.body.error === 'user_limit')).toHaveLength(30);
    const held = await world.redis.client.hget(
      `{sale:${answers.find((a) => a.status === 200)!.body.sale_id}}:held`,
      'greedy',
    );
    expect(held).toBe('10');
  });

  it('20 parallel purchases of one code yield one purchase and 19 replays', async () => {
    const hold = await world.call('POST', '/checkout?user_id=twice&id=200');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => world.call('POST', `/purchase?code=${hold.body.code}`)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.replayed === true)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.purchase_id)).size).toBe(1);
    const rows = await query(world.db.url, 'SELECT purchase_id FROM purchases WHERE item_id = 200');
    expect(rows).toEqual([{ purchase_id: answers[0]!.body.purchase_id }]);
  });

  it('a buyer racing purchases of 10 held items and 10 more checkouts never exceeds the limit', async () => {
    const holds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => world.call('POST', `/checkout?user_id=limit&id=${300 + i}`)),
    );
    const mixed = await Promise.all([
      ...holds.map((h) => world.call('POST', `/purchase?code=${h.body.code}`)),
      ...Array.from({ length: 10 }, (_, i) => world.call('POST', `/checkout?user_id=limit&id=${400 + i}`)),
    ]);
    expect(mixed.slice(0, 10).every((a) => a.status === 200)).toBe(true);
    expect(mixed.slice(10).every((a) => a.status === 403)).toBe(true);
    const rows = await query<{ n: number }>(
      world.db.url,
      "SELECT count(*)::int AS n FROM purchases WHERE user_id = 'limit'",
    );
    expect(rows[0]!.n).toBe(10);
  });
});

describe('instances racing to open a sale', () => {
  const stores = useTestStores();

  it('two instances started together open one sale with one set of items', async () => {
    const config = loadServerConfig({
      flags: {
        ...DEFAULT_TEST_FLAGS,
        saleSize: '500',
        databaseUrl: stores.db.url,
        redisUrl: REDIS_URL,
        redisKeyPrefix: stores.redis.prefix,
      },
      env: {},
    });
    const [a, b] = await Promise.all([startServer(config), startServer(config)]);
    const [sa, sb] = await Promise.all([call(a.url, 'GET', '/sale'), call(b.url, 'GET', '/sale')]);
    await Promise.all([a.close(), b.close()]);
    expect(sa.body.sale_id).toBe(sb.body.sale_id);
    const counts = await query<{ sales: number; items: number; distinct_items: number; slots: number }>(
      stores.db.url,
      `SELECT (SELECT count(*) FROM sales)::int AS sales, (SELECT count(*) FROM items)::int AS items,
              (SELECT count(DISTINCT item_id) FROM items)::int AS distinct_items, (SELECT count(*) FROM sale_slots)::int AS slots`,
    );
    expect(counts).toEqual([{ sales: 1, items: 500, distinct_items: 500, slots: 10 }]);
  });

  it('eight pools opening the same future sale at once leave exactly one item set', async () => {
    const log = createLogger('silent');
    const pools = Array.from({ length: 8 }, () =>
      createPgStore({ databaseUrl: stores.db.url, size: 2, applicationName: 'race' }, log),
    );
    const params = { saleDurationMs: 86_400_000, saleSize: 300, userLimit: 10, holdTtlMs: 30_000 };
    const results = await Promise.all(pools.map((pool) => openSale(pool, 999_999, params)));
    await Promise.all(pools.map((pool) => pool.close()));
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    const [row] = await query<{ n: number }>(
      stores.db.url,
      'SELECT count(*)::int AS n FROM items WHERE sale_id = 999999',
    );
    expect(row!.n).toBe(300);
  });
});
