import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/db.js';
import { createWorld, type World } from './support/server.js';

let world: World;
beforeAll(async () => {
  world = await createWorld({ saleSize: '100', userLimit: '3' });
});
afterAll(() => world.close());

const post = (path: string, headers?: Record<string, string>) => world.call('POST', path, headers);

describe('POST /checkout', () => {
  it('holds an item and answers 200 with code, sale_id, item_id and expires_at', async () => {
    const { status, body, headers } = await post('/checkout?user_id=alice&id=1');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(Number(headers.get('content-length'))).toBeGreaterThan(0);
    expect(body).toEqual({
      code: expect.stringMatching(/^\d+\.[0-9a-z]{6}[A-Za-z0-9_-]{22}$/),
      sale_id: expect.any(Number),
      item_id: 1,
      expires_at: new Date(world.clock.now() + 30_000).toISOString(),
    });
  });

  it('gives the same live code when the holder checks out the same item again', async () => {
    const first = await post('/checkout?user_id=bob&id=2');
    const again = await post('/checkout?user_id=bob&id=2');
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(first.body.code);
    expect(again.body.expires_at).toBe(first.body.expires_at);
  });

  it('a checkout of an item held by another buyer answers 409 item_held', async () => {
    await post('/checkout?user_id=carol&id=3');
    const { status, body } = await post('/checkout?user_id=dave&id=3');
    expect(status).toBe(409);
    expect(body).toEqual({ error: 'item_held', message: expect.any(String) });
  });

  it('a checkout of a sold item answers 409 sold_out', async () => {
    const hold = await post('/checkout?user_id=erin&id=4');
    expect((await post(`/purchase?code=${hold.body.code}`)).status).toBe(200);
    const { status, body } = await post('/checkout?user_id=frank&id=4');
    expect(status).toBe(409);
    expect(body.error).toBe('sold_out');
  });

  it('a buyer past the limit of owned plus held items answers 403 user_limit', async () => {
    const bought = await post('/checkout?user_id=gina&id=10');
    await post(`/purchase?code=${bought.body.code}`);
    expect((await post('/checkout?user_id=gina&id=11')).status).toBe(200);
    expect((await post('/checkout?user_id=gina&id=12')).status).toBe(200);
    const { status, body } = await post('/checkout?user_id=gina&id=13');
    expect(status).toBe(403);
    expect(body.error).toBe('user_limit');
  });

  it('takes the request id from x-request-id and stores it with the attempt', async () => {
    const { headers } = await post('/checkout?user_id=hank&id=20', { 'x-request-id': 'client-req-42' });
    expect(headers.get('x-request-id')).toBe('client-req-42');
    const rows = await query(
      world.db.url,
      'SELECT user_id, item_id, outcome FROM checkout_attempts WHERE request_id = $1',
      ['client-req-42'],
    );
    expect(rows).toEqual([{ user_id: 'hank', item_id: 20, outcome: 'ok' }]);
  });

  it.each([
    ['no parameters', ''],
    ['a missing user_id', '?id=1'],
    ['an empty user_id', '?user_id=&id=1'],
    ['a user_id of 65 characters', `?user_id=${'u'.repeat(65)}&id=1`],
    ['a user_id with a space', '?user_id=a%20b&id=1'],
    ['a user_id with a slash', '?user_id=a/b&id=1'],
    ['a missing id', '?user_id=zed'],
    ['an empty id', '?user_id=zed&id='],
    ['a negative id', '?user_id=zed&id=-1'],
    ['an id equal to the sale size', '?user_id=zed&id=100'],
    ['an id far out of range', '?user_id=zed&id=99999999999999999999'],
    ['a non-numeric id', '?user_id=zed&id=abc'],
    ['a fractional id', '?user_id=zed&id=1.5'],
    ['an id in exponent form', '?user_id=zed&id=1e1'],
    ['an id given twice', '?user_id=zed&id=1&id=2'],
    ['a broken %-escape', '?user_id=%zz&id=1'],
  ])('a checkout with %s answers 400 invalid_request', async (_case, search) => {
    const { status, body } = await post(`/checkout${search}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', message: expect.any(String) });
  });

  it('accepts a user_id of exactly 64 allowed characters', async () => {
    const { status } = await post(`/checkout?user_id=${'A-z_9.:'.repeat(9)}x&id=30`);
    expect(status).toBe(200);
  });
});

describe('POST /purchase', () => {
  it('buys the held item and answers 200 with purchase_id, sale_id, item_id, user_id', async () => {
    const hold = await post('/checkout?user_id=ivan&id=40');
    const { status, body } = await post(`/purchase?code=${hold.body.code}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      purchase_id: expect.any(String),
      sale_id: hold.body.sale_id,
      item_id: 40,
      user_id: 'ivan',
    });
    const rows = await query(world.db.url, 'SELECT user_id, item_id, slot FROM purchases WHERE code = $1', [
      hold.body.code,
    ]);
    expect(rows).toEqual([{ user_id: 'ivan', item_id: 40, slot: 1 }]);
  });

  it('repeating a code that purchased returns the same purchase with replayed: true', async () => {
    const hold = await post('/checkout?user_id=judy&id=41');
    const first = await post(`/purchase?code=${hold.body.code}`);
    const again = await post(`/purchase?code=${hold.body.code}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
  });

  it('a well-formed code no checkout issued answers 404 unknown_code', async () => {
    const hold = await post('/checkout?user_id=kim&id=42');
    const forged = `${hold.body.sale_id}.${'A'.repeat(22)}`;
    const { status, body } = await post(`/purchase?code=${forged}`);
    expect(status).toBe(404);
    expect(body.error).toBe('unknown_code');
  });

  it('a code of a sale that never existed answers 404 unknown_code', async () => {
    const { status, body } = await post(`/purchase?code=1.${'B'.repeat(22)}`);
    expect(status).toBe(404);
    expect(body.error).toBe('unknown_code');
  });

  it.each([
    ['no code', ''],
    ['an empty code', '?code='],
    ['a code without its sale id', `?code=${'A'.repeat(22)}`],
    ['a code too short', '?code=1.abc'],
    ['a code with characters outside base64url', `?code=1.${'A'.repeat(21)}$`],
    ['an oversized code', `?code=${'1'.repeat(5000)}`],
    ['a code given twice', `?code=1.${'A'.repeat(22)}&code=1.${'B'.repeat(22)}`],
  ])('a purchase with %s answers 400 invalid_request', async (_case, search) => {
    const { status, body } = await post(`/purchase${search}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', message: expect.any(String) });
  });
});

describe('GET endpoints', () => {
  it('GET /sale reports the current sale with size, sold, held and available', async () => {
    const { status, body } = await world.call('GET', '/sale');
    expect(status).toBe(200);
    const sold = Number((await query(world.db.url, 'SELECT count(*)::int AS n FROM purchases'))[0]!.n);
    expect(body).toMatchObject({ size: 100, sold });
    expect(Number(body.available)).toBe(100 - sold - Number(body.held));
    expect(Date.parse(String(body.ends_at)) - Date.parse(String(body.starts_at))).toBe(86_400_000);
  });

  it('GET /sale/items pages through items with name, image URL and state', async () => {
    const { status, body } = await world.call('GET', '/sale/items?offset=38&limit=4');
    expect(status).toBe(200);
    const items = body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.id)).toEqual([38, 39, 40, 41]);
    expect(items.map((i) => i.state)).toEqual(['available', 'available', 'sold', 'sold']);
    expect(items[0]).toEqual({
      id: 38,
      name: expect.stringContaining('#38'),
      image_url: expect.stringMatching(/^https:\/\//),
      state: 'available',
    });
    expect(body.total).toBe(100);
  });

  it.each([
    ['a negative offset', '?offset=-1'],
    ['a zero limit', '?limit=0'],
    ['a limit above 1000', '?limit=1001'],
    ['a non-numeric limit', '?limit=ten'],
  ])('GET /sale/items with %s answers 400 invalid_request', async (_case, search) => {
    const { status, body } = await world.call('GET', `/sale/items${search}`);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  it('GET /health answers 200 with the latency of each dependency', async () => {
    const { status, body } = await world.call('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      postgres: { status: 'ok', latency_ms: expect.any(Number) },
      redis: { status: 'ok', latency_ms: expect.any(Number) },
    });
  });

  it('GET /metrics is Prometheus text with requests by route and outcome', async () => {
    const response = await fetch(`${world.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/flashsale_http_requests_total\{route="checkout",outcome="ok"\} \d+/);
    expect(text).toMatch(
      /flashsale_http_request_duration_seconds_bucket\{le="0.005",route="checkout",outcome="item_held"\}/,
    );
    expect(text).toMatch(/flashsale_group_commit_batch_rows_count\{table="checkout_attempts"\} [1-9]/);
    expect(text).toMatch(/flashsale_redis_call_inputs_count\{script="checkout"\} [1-9]/);
    expect(text).toMatch(/flashsale_redis_call_duration_seconds_count\{script="checkout"\} [1-9]/);
    expect(text).toMatch(/flashsale_pg_pool_connections\{state="total"\}/);
    expect(text).toMatch(/flashsale_items_sold_total [1-9]/);
  });
});

describe('routing and transport', () => {
  it('an unknown path answers 404 not_found', async () => {
    const { status, body } = await world.call('GET', '/nope');
    expect(status).toBe(404);
    expect(body.error).toBe('not_found');
  });

  it('a wrong method answers 405 with an allow header', async () => {
    const { status, body, headers } = await world.call('GET', '/checkout?user_id=a&id=1');
    expect(status).toBe(405);
    expect(body.error).toBe('method_not_allowed');
    expect(headers.get('allow')).toBe('POST');
  });

  it('a request body beyond the limit answers 413 and is not read', async () => {
    const response = await fetch(`${world.url}/checkout?user_id=big&id=50`, {
      method: 'POST',
      body: 'x'.repeat(100_000),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('payload_too_large');
    const rows = await query(world.db.url, "SELECT 1 FROM checkout_attempts WHERE user_id = 'big'");
    expect(rows).toHaveLength(0);
  });
});

describe('every attempt is persisted', () => {
  it('each answered checkout, admitted or refused, is one row with its outcome', async () => {
    const outcomes: string[] = [];
    const requests = [
      ['lena', 60],
      ['mike', 60],
      ['lena', 60],
    ] as const;
    for (const [user, item] of requests) {
      const answer = await post(`/checkout?user_id=${user}&id=${item}`, {
        'x-request-id': `persist-${outcomes.length}`,
      });
      outcomes.push(answer.status === 200 ? 'ok' : String(answer.body.error));
    }
    const rows = await query<{ request_id: string; outcome: string }>(
      world.db.url,
      "SELECT request_id, outcome FROM checkout_attempts WHERE request_id LIKE 'persist-%' ORDER BY request_id",
    );
    expect(rows.map((r) => r.outcome)).toEqual(outcomes);
    expect(outcomes).toEqual(['ok', 'item_held', 'ok']);
  });
});
