// A small sale driven to sell-out through a real server (with refusals, a replay, bad input, a
// lapsed hold and a purchase the client saw time out), its ledger, and per-test copies of its
// Postgres database and Redis keys in which a test may plant a violation.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saleWindow } from '@flashsale/protocol';
import { saleKeys } from '@flashsale/server';
import { Redis } from 'ioredis';
import { adminQuery, databaseUrl, dropDatabase, query } from '../../../server/test/support/db.js';
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../server/test/support/redis.js';
import { createWorld } from '../../../server/test/support/server.js';
import type { VerifyOptions } from '../../src/verify/run-verify.js';
import { type Sent, TestLedger } from './verify-ledger.js';

export const SALE_SIZE = 24;
export const HOLD_TTL_MS = 30_000;
export const GRACE_MS = 5_000;

export type SoldOutSale = {
  saleId: number;
  dbName: string;
  redisPrefix: string;
  dir: string;
  ledgerPath: string;
  /** The service's clock when traffic stopped and every hold had lapsed. */
  nowMs: number;
  /** Codes bought, by buyer: ann owns items 0..9, bob 10..17, cat 18..23. */
  codes: Record<'ann' | 'bob' | 'cat', string[]>;
  answers: Record<'userLimit' | 'soldOut' | 'itemHeld' | 'expired' | 'timedOut', Sent>;
  close: () => Promise<void>;
};

export async function buildSoldOutSale(): Promise<SoldOutSale> {
  const world = await createWorld({ saleSize: String(SALE_SIZE), userLimit: '10', holdTtlMs: '30s' });
  // Stay clear of a sale boundary: the traffic moves the clock by a minute or so.
  const window = saleWindow(Math.floor(world.clock.now() / 86_400_000), 86_400_000);
  if (window.endsAtMs - world.clock.now() < 600_000) world.clock.set(window.endsAtMs + 1_000);
  const ledger = new TestLedger(world.url, `req${randomBytes(3).toString('hex')}`);
  const codeOf = (sent: Sent) => String(sent.body.code);

  const ann: string[] = [];
  for (let item = 0; item < 10; item++) ann.push(codeOf(await ledger.checkout('ann', item)));
  await ledger.checkout('ann', 0); // a refresh: the same live code
  for (const code of ann) await ledger.purchase(code);
  const userLimit = await ledger.checkout('ann', 10);
  await ledger.purchase(ann[0]!); // a replay
  const saleId = Number((await ledger.purchase(ann[1]!)).sale_id);

  const soldOut = await ledger.checkout('bob', 0);
  const bobHolds: string[] = [];
  for (let item = 10; item < 20; item++) bobHolds.push(codeOf(await ledger.checkout('bob', item)));
  const itemHeld = await ledger.checkout('cat', 18);
  for (const code of bobHolds.slice(0, 8)) await ledger.purchase(code);

  await ledger.checkout(null, null, 'user_id=not%20valid&id=1');
  await ledger.purchase('not-a-code');
  await ledger.purchase(`${saleId}.AAAAAAAAAAAAAAAAAAAAAA`);
  ledger.fault('note', 'a fault line, which verify skips');

  world.clock.advance(HOLD_TTL_MS + 1_000); // bob's holds of items 18 and 19 lapse
  const expired = await ledger.purchase(bobHolds[8]!);
  const cat: string[] = [];
  for (let item = 18; item < 24; item++) cat.push(codeOf(await ledger.checkout('cat', item)));
  for (const code of cat.slice(0, 5)) await ledger.purchase(code);
  const timedOut = await purchaseSeenAsTimeout(world.url, ledger, cat[5]!);

  world.clock.advance(HOLD_TTL_MS + GRACE_MS + 1_000);
  await world.server.reconcileNow();
  await world.server.close();

  const dir = await mkdtemp(join(tmpdir(), 'flashsale-verify-'));
  const ledgerPath = join(dir, 'ledger.jsonl');
  await ledger.write(ledgerPath);
  return {
    saleId,
    dbName: world.db.name,
    redisPrefix: world.redis.prefix,
    dir,
    ledgerPath,
    nowMs: world.clock.now(),
    codes: { ann, bob: bobHolds.slice(0, 8), cat },
    answers: { userLimit, soldOut, itemHeld, expired, timedOut },
    async close() {
      await world.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The purchase happens, but the ledger says the client gave up waiting: indeterminate. */
async function purchaseSeenAsTimeout(baseUrl: string, ledger: TestLedger, code: string): Promise<Sent> {
  const requestId = ledger.nextRequestId();
  const sentMs = Date.now();
  const response = await fetch(`${baseUrl}/purchase?code=${code}`, {
    method: 'POST',
    headers: { 'x-request-id': requestId },
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`purchase answered ${response.status}`);
  const line = {
    type: 'request',
    request_id: requestId,
    endpoint: 'purchase',
    behaviour: 'normal',
    user_id: null,
    item_id: null,
    code,
    sale_id: null,
    purchase_id: null,
    attempt_id: null,
    issued_user_id: null,
    issued_item_id: null,
    reported_item_id: null,
    expires_ms: null,
    replayed: false,
    intended_ms: sentMs,
    sent_ms: sentMs,
    done_ms: null,
    status: null,
    error: 'timeout',
    outcome: 'indeterminate',
  } as const;
  ledger.record(line);
  return { ...line, body };
}

export type SaleCopy = {
  url: string;
  prefix: string;
  /** Redis client with the copy's key prefix. */
  redis: Redis;
  keys: ReturnType<typeof saleKeys>;
  sql: <R extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;
  options: (more?: Partial<VerifyOptions>) => VerifyOptions;
  cleanup: () => Promise<void>;
};

/** A private copy of the sale: its own database (cloned) and its own Redis key prefix. */
export async function copySale(sale: SoldOutSale): Promise<SaleCopy> {
  const name = `flashsale_t_${randomBytes(5).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${sale.dbName}`);
      break;
    } catch (error) {
      // Another copy is being made from the same database right now: try again.
      if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
  const redis: TestRedis = createTestRedis();
  const raw = new Redis(REDIS_URL);
  const keys = saleKeys(sale.saleId);
  try {
    for (const key of Object.values(keys)) await raw.copy(sale.redisPrefix + key, redis.prefix + key);
  } finally {
    raw.disconnect();
  }
  const url = databaseUrl(name);
  return {
    url,
    prefix: redis.prefix,
    redis: redis.client,
    keys,
    sql: (text, values = []) => query(url, text, values),
    options: (more = {}) => ({
      databaseUrl: url,
      redisUrl: REDIS_URL,
      redisKeyPrefix: redis.prefix,
      sale: sale.saleId,
      ledgerPaths: [sale.ledgerPath],
      isSelloutExpected: true,
      graceMs: GRACE_MS,
      clock: () => sale.nowMs,
      ...more,
    }),
    async cleanup() {
      await redis.cleanup();
      await dropDatabase(name);
    },
  };
}
