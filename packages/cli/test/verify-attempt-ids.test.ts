// A client's x-request-id need not be unique; the attempt id the service answers with
// (x-attempt-id) is. verify matches checkouts by it, so two attempts sent with one request id are
// each matched to their own row, and a lost write cannot hide behind another request's row; a
// ledger without attempt ids that repeats a request id is ambiguous, a violation. Purchases are
// matched by code, so a shared request id neither hides a lost purchase nor blames a row on the
// wrong request.
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerOutcomeOf } from '@flashsale/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../server/test/support/db.js';
import { REDIS_URL } from '../../server/test/support/redis.js';
import { createWorld, type World } from '../../server/test/support/server.js';
import type { InvariantId, VerifyReport } from '../src/verify/report.js';
import { verifySale } from '../src/verify/run-verify.js';

type Line = Record<string, unknown> & { attempt_id: string | null; code: string | null };

let world: World;
let saleId: number;
const dir = mkdtempSync(join(tmpdir(), 'flashsale-attempt-ids-'));
beforeAll(async () => {
  world = await createWorld({ saleSize: '20', userLimit: '10', holdTtlMs: '30s' });
});
afterAll(() => world.close());

/** Sends a request with the given x-request-id and returns its ledger line, as the simulator writes it. */
async function send(
  endpoint: 'checkout' | 'purchase',
  query: { userId?: string; itemId?: number; code?: string },
  requestId: string,
): Promise<Line> {
  const path =
    endpoint === 'checkout'
      ? `/checkout?user_id=${query.userId}&id=${query.itemId}`
      : `/purchase?code=${encodeURIComponent(query.code!)}`;
  const sentMs = Date.now();
  const response = await fetch(world.url + path, { method: 'POST', headers: { 'x-request-id': requestId } });
  const body = (await response.json()) as Record<string, unknown>;
  if (typeof body.sale_id === 'number') saleId = body.sale_id;
  return {
    type: 'request',
    request_id: requestId,
    attempt_id: response.headers.get('x-attempt-id'),
    endpoint,
    behaviour: 'normal',
    user_id: query.userId ?? null,
    item_id: query.itemId ?? null,
    code: endpoint === 'purchase' ? query.code! : typeof body.code === 'string' ? body.code : null,
    sale_id: typeof body.sale_id === 'number' ? body.sale_id : null,
    purchase_id: typeof body.purchase_id === 'string' ? body.purchase_id : null,
    replayed: body.replayed === true,
    intended_ms: sentMs,
    sent_ms: sentMs,
    done_ms: Date.now(),
    status: response.status,
    error: typeof body.error === 'string' ? body.error : null,
    outcome: ledgerOutcomeOf(response.status, true),
  };
}

let files = 0;
async function verifyLedger(lines: readonly Line[]): Promise<VerifyReport> {
  files += 1;
  const path = join(dir, `ledger-${files}.jsonl`);
  await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return verifySale({
    databaseUrl: world.db.url,
    redisUrl: REDIS_URL,
    redisKeyPrefix: world.redis.prefix,
    sale: saleId,
    ledgerPaths: [path],
    isSelloutExpected: false,
    graceMs: 5000,
    clock: world.clock.now,
  });
}

const resultOf = (report: VerifyReport, id: InvariantId) => report.invariants.find((r) => r.id === id)!;
const withoutAttemptIds = (lines: readonly Line[]) => lines.map((line) => ({ ...line, attempt_id: null }));

describe('checkouts that share an x-request-id', () => {
  it('every checkout answer carries its own attempt id, the key its row is stored under', async () => {
    const held = await send('checkout', { userId: 'ann', itemId: 1 }, 'same-1');
    const refused = await send('checkout', { userId: 'bob', itemId: 1 }, 'same-1');
    expect([held.status, refused.status]).toEqual([200, 409]);
    expect(held.attempt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.attempt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(held.attempt_id).not.toBe(refused.attempt_id);
    const rows = await query<{ attempt_id: string; outcome: string }>(
      world.db.url,
      "SELECT attempt_id::text, outcome FROM checkout_attempts WHERE request_id = 'same-1' ORDER BY attempted_at",
    );
    expect(rows).toEqual([
      { attempt_id: held.attempt_id, outcome: 'ok' },
      { attempt_id: refused.attempt_id, outcome: 'item_held' },
    ]);

    const report = await verifyLedger([held, refused]);
    expect(resultOf(report, 'attempts-persisted').status).toBe('PASS');
    expect(resultOf(report, 'attempts-persisted').counted).toMatch(
      /^2 answered checkouts matched by attempt id/,
    );
  });

  it('a lost write hidden behind another attempt with the same request id fails attempts-persisted', async () => {
    const first = await send('checkout', { userId: 'cid', itemId: 2 }, 'same-2');
    const refresh = await send('checkout', { userId: 'cid', itemId: 2 }, 'same-2'); // the same live code
    expect(refresh.code).toBe(first.code);
    await query(world.db.url, 'DELETE FROM checkout_attempts WHERE attempt_id = $1', [first.attempt_id]);

    const report = await verifyLedger([first, refresh]);
    const result = resultOf(report, 'attempts-persisted');
    expect(result.status).toBe('FAIL');
    expect(result.examples).toEqual([
      expect.stringMatching(
        new RegExp(`^request same-2, attempt ${first.attempt_id} \\(.*\\): no checkout_attempts row$`),
      ),
    ]);
  });

  it('without attempt ids in the ledger, a request id two lines share is ambiguous: the lost write is still found', async () => {
    const first = await send('checkout', { userId: 'dan', itemId: 3 }, 'same-3');
    const refresh = await send('checkout', { userId: 'dan', itemId: 3 }, 'same-3');
    await query(world.db.url, 'DELETE FROM checkout_attempts WHERE attempt_id = $1', [first.attempt_id]);

    const report = await verifyLedger(withoutAttemptIds([first, refresh]));
    const result = resultOf(report, 'attempts-persisted');
    expect(result.status).toBe('FAIL');
    expect(result.counted).toMatch(/; 0 missing, 2 ambiguous, 0 with another outcome$/);
    expect(result.examples[0]).toMatch(
      /^request same-3 \(.*\): ambiguous: the request id has 1 rows in this sale and 2 such ledger lines/,
    );
  });

  it('without attempt ids, a request id with two rows is ambiguous even when the ledger names it once', async () => {
    const seen = await send('checkout', { userId: 'eve', itemId: 4 }, 'same-4');
    await send('checkout', { userId: 'fay', itemId: 4 }, 'same-4'); // another client, not in this ledger

    const report = await verifyLedger(withoutAttemptIds([seen]));
    expect(resultOf(report, 'attempts-persisted').status).toBe('FAIL');
    expect(resultOf(report, 'attempts-persisted').examples[0]).toContain(
      'has 2 rows in this sale and 1 such',
    );
  });
});

describe('purchases that share an x-request-id', () => {
  it('a purchase row is not blamed on a rejected request that used the same request id for another code', async () => {
    const hold = await send('checkout', { userId: 'gus', itemId: 5 }, 'gus-1');
    const bought = await send('purchase', { code: hold.code! }, 'same-5');
    const rejected = await send('purchase', { code: `${saleId}.${'x'.repeat(22)}` }, 'same-5');
    expect([bought.status, rejected.status]).toEqual([200, 404]);

    const report = await verifyLedger([hold, bought, rejected]);
    expect(resultOf(report, 'acked-durable').status).toBe('PASS');
  });

  it('a lost purchase is found though another acknowledged purchase used its request id', async () => {
    const holds = [
      await send('checkout', { userId: 'hal', itemId: 6 }, 'hal-1'),
      await send('checkout', { userId: 'hal', itemId: 7 }, 'hal-2'),
    ];
    const bought = [
      await send('purchase', { code: holds[0]!.code! }, 'same-6'),
      await send('purchase', { code: holds[1]!.code! }, 'same-6'),
    ];
    expect(bought.map((line) => line.status)).toEqual([200, 200]);
    await query(world.db.url, 'DELETE FROM purchases WHERE code = $1', [holds[0]!.code]);

    const report = await verifyLedger([...holds, ...bought]);
    const result = resultOf(report, 'acked-durable');
    expect(result.status).toBe('FAIL');
    expect(result.examples.join('\n')).toContain(`code ${holds[0]!.code}: purchase`);
  });
});
