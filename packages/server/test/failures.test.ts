import { startTcpProxy, type TcpProxy } from '@flashsale/harness';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { saleDataKeys, saleKeys } from '../src/admission/keys.js';
import { purchaseIdFor } from '../src/sale/codes.js';
import { PENDING_GRACE_MS } from '../src/sale/timing.js';
import type { RunningServer } from '../src/start.js';
import { admitPurchaseOnly } from './support/admit.js';
import { databaseUrl, query } from './support/db.js';
import { REDIS_URL } from './support/redis.js';
import { createWorld, type World } from './support/server.js';

describe('Postgres goes away mid-request', () => {
  let proxy: TcpProxy;
  let world: World;
  beforeAll(async () => {
    proxy = await startTcpProxy('127.0.0.1', 5432);
    world = await createWorld({ saleSize: '50' });
  });
  afterEach(() => proxy.up());
  afterAll(async () => {
    await world.close();
    await proxy.close();
  });

  async function throughProxy() {
    const name = new URL(world.db.url).pathname.slice(1);
    const url = new URL(databaseUrl(name));
    url.port = String(proxy.port);
    return world.startAnother({ databaseUrl: url.toString() });
  }

  it('a checkout answers 503 with retry-after and leaves Redis as it was', async () => {
    const server = await throughProxy();
    const saleId = Number((await world.call('GET', '/sale')).body.sale_id);
    const keys = saleKeys(saleId);
    const before = await Promise.all([
      world.redis.client.hgetall(keys.holds),
      world.redis.client.hgetall(keys.held),
    ]);

    proxy.down();
    const response = await fetch(`${server.url}/checkout?user_id=vic&id=5`, { method: 'POST' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: string }).error).toBe('unavailable');
    const after = await Promise.all([
      world.redis.client.hgetall(keys.holds),
      world.redis.client.hgetall(keys.held),
    ]);
    expect(after).toEqual(before);

    proxy.up();
    const retried = await fetch(`${server.url}/checkout?user_id=vic&id=5`, { method: 'POST' });
    expect(retried.status).toBe(200);
  });

  it('a purchase answers 503, the item stays held by its buyer, and the same code buys it once Postgres is back', async () => {
    const server = await throughProxy();
    const hold = await world.call('POST', '/checkout?user_id=wes&id=6');
    const keys = saleKeys(Number(hold.body.sale_id));

    proxy.down();
    const failed = await fetch(`${server.url}/purchase?code=${hold.body.code}`, { method: 'POST' });
    expect(failed.status).toBe(503);
    expect(await world.redis.client.hexists(keys.sold, '6')).toBe(0);
    expect(await world.redis.client.hget(keys.holds, '6')).toBe(hold.body.code);
    expect(await world.redis.client.zcard(keys.pending)).toBe(0);

    proxy.up();
    const retried = await fetch(`${server.url}/purchase?code=${hold.body.code}`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(await query(world.db.url, "SELECT 1 FROM purchases WHERE user_id = 'wes'")).toHaveLength(1);
  });

  it('health answers 503 naming postgres while it is down, and 200 after', async () => {
    const server = await throughProxy();
    proxy.down();
    const down = await fetch(`${server.url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ postgres: { status: 'down' }, redis: { status: 'ok' } });
    proxy.up();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('Redis goes away mid-request', () => {
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let world: World;
  let server: RunningServer;
  beforeAll(async () => {
    pgProxy = await startTcpProxy('127.0.0.1', 5432);
    const redisUrl = new URL(REDIS_URL);
    redisProxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    world = await createWorld({ saleSize: '50' });
    // A second instance on the same stores, reaching both through proxies the tests can cut.
    const pgUrl = new URL(world.db.url);
    pgUrl.port = String(pgProxy.port);
    server = await world.startAnother({
      databaseUrl: pgUrl.toString(),
      redisUrl: `redis://127.0.0.1:${redisProxy.port}`,
    });
  });
  afterEach(() => {
    pgProxy.up();
    redisProxy.up();
  });
  afterAll(async () => {
    await world.close();
    await Promise.all([pgProxy.close(), redisProxy.close()]);
  });

  it('health answers 503 naming redis while it is down, and 200 once it is back', async () => {
    redisProxy.down();
    const down = await fetch(`${server.url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      message: 'redis unavailable',
      postgres: { status: 'ok' },
      redis: { status: 'down' },
    });
    redisProxy.up();
    expect(await waitForStatus(`${server.url}/health`, 200)).toBe(200);
  });

  it('a purchase whose write fails while Redis is gone too answers 503; it stays pending and the reconciler settles it', async () => {
    const hold = await world.call('POST', '/checkout?user_id=eli&id=20');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    const keys = saleKeys(saleId);
    // Hold the purchase's insert in Postgres until both stores are cut (reads go on).
    const blocker = new pg.Client({ connectionString: world.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE purchases IN SHARE MODE');
      const answer = fetch(`${server.url}/purchase?code=${code}`, {
        method: 'POST',
        headers: { 'x-request-id': 'both-down' },
      });
      await waitUntil(async () => (await world.redis.client.zscore(keys.pending, code)) !== null);
      await waitUntil(async () => {
        const [row] = await query<{ n: number }>(
          world.db.url,
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'flashsale' AND wait_event_type = 'Lock'`,
        );
        return row!.n > 0;
      });
      redisProxy.down();
      pgProxy.down(); // the blocked insert loses its connection; its compensation finds no Redis
      // Its backend would still insert once the lock goes: end it, so the write surely failed.
      await blocker.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'flashsale' AND wait_event_type = 'Lock'`,
      );
      const response = await answer;
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toBe('unavailable');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    redisProxy.up();
    pgProxy.up();

    // Not compensated: Redis still shows the purchase admitted and pending; Postgres has nothing.
    expect(await world.redis.client.hget(keys.sold, '20')).toBe('eli');
    expect(await world.redis.client.zscore(keys.pending, code)).not.toBeNull();
    expect(await query(world.db.url, 'SELECT 1 FROM purchases WHERE code = $1', [code])).toHaveLength(0);

    world.clock.advance(PENDING_GRACE_MS + 1);
    expect(await world.server.reconcileNow()).toEqual([{ saleId, rolledForward: 1, undone: 0, applied: 0 }]);
    expect(await query(world.db.url, 'SELECT request_id FROM purchases WHERE code = $1', [code])).toEqual([
      { request_id: 'both-down' },
    ]);
    expect(await world.redis.client.zcard(keys.pending)).toBe(0);
  });
});

/** Polls `check` until it holds; a test-level deadline ends the wait otherwise. */
async function waitUntil(check: () => Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not reached within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The status `url` answers once it answers `status` (or the last status at the deadline). */
async function waitForStatus(url: string, status: number): Promise<number> {
  let last = 0;
  await waitUntil(async () => {
    last = (await fetch(url)).status;
    return last === status;
  }).catch(() => undefined);
  return last;
}

describe('Redis loses a live sale', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50', userLimit: '3' });
  });
  afterAll(() => world.close());

  it('the sale is rebuilt from Postgres and no invariant breaks', async () => {
    const post = (path: string) => world.call('POST', path);
    const sold = await post('/checkout?user_id=xena&id=1');
    const soldPurchase = await post(`/purchase?code=${sold.body.code}`);
    const held = await post('/checkout?user_id=xena&id=2');
    await post('/checkout?user_id=xena&id=3');
    const saleId = Number(sold.body.sale_id);
    const keys = saleKeys(saleId);

    const deleted = await world.redis.client.del(...saleDataKeys(saleId));
    expect(deleted).toBeGreaterThan(0);

    expect((await post('/checkout?user_id=yuri&id=1')).body.error).toBe('sold_out');
    expect((await post('/checkout?user_id=yuri&id=2')).body.error).toBe('item_held');
    expect((await post('/checkout?user_id=xena&id=4')).body.error).toBe('user_limit');
    expect((await post('/checkout?user_id=xena&id=2')).body.code).toBe(held.body.code);
    const replay = await post(`/purchase?code=${sold.body.code}`);
    expect(replay.body).toEqual({ ...soldPurchase.body, replayed: true });
    expect((await post(`/purchase?code=${held.body.code}`)).status).toBe(200);
    expect(await world.redis.client.hlen(keys.sold)).toBe(2);
    const sale = await world.call('GET', '/sale');
    expect(sale.body).toMatchObject({ sold: 2, held: 1, available: 47 });
  });

  it('a flush while nobody is asking is repaired by the reconciler', async () => {
    const saleId = Number((await world.call('GET', '/sale')).body.sale_id);
    const keys = saleKeys(saleId);
    await world.redis.client.del(...saleDataKeys(saleId));
    await world.server.reconcileNow();
    expect(await world.redis.client.exists(keys.meta)).toBe(1);
    expect(await world.redis.client.hlen(keys.sold)).toBe(2);
  });
});

describe('a crash between Redis and Postgres', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ saleSize: '50' });
  });
  afterAll(() => world.close());

  it('a purchase admitted in Redis whose Postgres write never happened is rolled forward by the reconciler', async () => {
    const hold = await world.call('POST', '/checkout?user_id=zoe&id=9');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    // Exactly what the service does before its Postgres write; then it "dies".
    const admitted = await admitPurchaseOnly(world, { saleId, code, requestId: 'crashed-request' });
    const admittedAtMs = world.clock.now();
    expect(admitted.kind).toBe('purchased');
    expect(await query(world.db.url, 'SELECT 1 FROM purchases')).toHaveLength(0);

    await world.server.reconcileNow();
    expect(await query(world.db.url, 'SELECT 1 FROM purchases')).toHaveLength(0); // within its grace period

    world.clock.advance(PENDING_GRACE_MS + 1);
    await world.server.reconcileNow();
    const rows = await query(
      world.db.url,
      `SELECT user_id, item_id, code, purchase_id, request_id,
              round(extract(epoch FROM purchased_at) * 1000)::float8 AS purchased_ms
       FROM purchases`,
    );
    expect(rows).toEqual([
      {
        user_id: 'zoe',
        item_id: 9,
        code,
        purchase_id: purchaseIdFor(code),
        request_id: 'crashed-request', // the request that admitted it
        purchased_ms: admittedAtMs, // when Redis admitted it, not when it was rolled forward
      },
    ]);
    expect(await world.redis.client.zcard(saleKeys(saleId).pending)).toBe(0);
    const replay = await world.call('POST', `/purchase?code=${code}`);
    expect(replay.body).toMatchObject({ purchase_id: purchaseIdFor(code), replayed: true });
  });

  it('a purchase in Postgres that Redis does not show (a write that landed after an error) is applied to Redis', async () => {
    const hold = await world.call('POST', '/checkout?user_id=abe&id=10');
    const saleId = Number(hold.body.sale_id);
    const code = String(hold.body.code);
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES ($1, $2, 10, 'abe', 1, $3, 'r', now() + interval '1 minute', now())`,
      [purchaseIdFor(code), saleId, code],
    );
    await world.server.reconcileNow();
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.sold, '10')).toBe('abe');
    expect(await world.redis.client.hexists(keys.holds, '10')).toBe(0);
    expect((await world.call('POST', '/checkout?user_id=bea&id=10')).body.error).toBe('sold_out');
  });

  it('Postgres refusing a purchase Redis admitted (item already sold there) undoes it in Redis and answers 409', async () => {
    const hold = await world.call('POST', '/checkout?user_id=cal&id=11');
    const saleId = Number(hold.body.sale_id);
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES (gen_random_uuid(), $1, 11, 'someone', 1, 'planted-code', 'r', now(), now())`,
      [saleId],
    );
    const answer = await world.call('POST', `/purchase?code=${hold.body.code}`);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe('sold_out');
    const rows = await query(world.db.url, 'SELECT user_id FROM purchases WHERE item_id = 11');
    expect(rows).toEqual([{ user_id: 'someone' }]);
    await world.server.reconcileNow();
    expect(await world.redis.client.hget(saleKeys(saleId).sold, '11')).toBe('someone');
  });
  it("Postgres refusing a purchase Redis admitted for the buyer's slot only (taken there) buys it again in the next free slot", async () => {
    const hold = await world.call('POST', '/checkout?user_id=dot&id=12');
    const saleId = Number(hold.body.sale_id);
    // Postgres records a purchase by dot in slot 1 that Redis never showed.
    await query(
      world.db.url,
      `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
       VALUES (gen_random_uuid(), $1, 13, 'dot', 1, 'dot-planted', 'r', now(), now())`,
      [saleId],
    );
    const answer = await world.call('POST', `/purchase?code=${hold.body.code}`);
    expect(answer.status).toBe(200);
    expect(
      await query(world.db.url, 'SELECT item_id, slot FROM purchases WHERE user_id = $1 ORDER BY slot', [
        'dot',
      ]),
    ).toEqual([
      { item_id: 13, slot: 1 },
      { item_id: 12, slot: 2 },
    ]);
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hget(keys.sold, '12')).toBe('dot');
    // Slot 1 stays dot's too: Postgres says it is owned, by the purchase Redis has yet to be shown.
    expect(await world.redis.client.hget(keys.owned, 'dot')).toBe('3');
    expect(await world.redis.client.zcard(keys.pending)).toBe(0);
  });
  it('Postgres holding every slot of the buyer in purchases Redis never showed: 403 user_limit, the hold given back', async () => {
    const hold = await world.call('POST', '/checkout?user_id=eli&id=14');
    const saleId = Number(hold.body.sale_id);
    const limit = world.config.userLimit;
    for (let slot = 1; slot <= limit; slot++)
      await query(
        world.db.url,
        `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
         VALUES (gen_random_uuid(), $1, $2, 'eli', $3, $4, 'r', now(), now())`,
        [saleId, 30 + slot, slot, `eli-planted-${slot}`],
      );
    const answer = await world.call('POST', `/purchase?code=${hold.body.code}`);
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('user_limit');
    expect(
      await query(world.db.url, "SELECT 1 FROM purchases WHERE user_id = 'eli' AND item_id = 14"),
    ).toEqual([]);
    const keys = saleKeys(saleId);
    expect(await world.redis.client.hexists(keys.sold, '14')).toBe(0);
    expect(await world.redis.client.hget(keys.owned, 'eli')).toBe(String(2 ** limit - 1));
    expect(await world.redis.client.zcard(keys.pending)).toBe(0);
    // Undone while the hold lasts: the item is back in eli's hold, under the same code.
    expect(await world.redis.client.hget(keys.holds, '14')).toBe(hold.body.code);
  });
});
