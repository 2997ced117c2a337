// Verify is set-based: a fully sold 10,000-item sale with a quarter-million-line ledger (and as
// many attempt rows) is checked whole, the ledger streamed in (over a hundred 2,000-row chunks,
// dozens of 1 MiB reads) and matched by set. The time is printed, not asserted (speed belongs to
// benchmarks on a quiet machine).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../server/test/support/db.js';
import { createTestRedis, REDIS_URL } from '../../server/test/support/redis.js';
import { verifySale } from '../src/verify/run-verify.js';
import { type ScaleSale, writeScaleLedger, writeScaleSale } from './support/verify-scale.js';

const sale: ScaleSale = { saleId: 4_242, size: 10_000, buyers: 1_000, refusals: 230_000 };
const redis = createTestRedis();
let db: TestDatabase;
let dir: string;
let ledgerPath: string;
let ledgerLines: number;
const nowMs = Date.now();

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'flashsale-verify-scale-'));
  ledgerPath = join(dir, 'ledger.jsonl');
  const purchaseIds = await writeScaleSale(db.url, redis.client, sale, nowMs);
  ledgerLines = await writeScaleLedger(ledgerPath, sale, purchaseIds, nowMs);
}, 300_000);

afterAll(async () => {
  await redis.cleanup();
  await db?.drop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it('a fully sold 10,000-item sale with a 250,000-line ledger verifies, every invariant passing', async () => {
  expect(ledgerLines).toBe(250_000);
  const startedMs = performance.now();
  const report = await verifySale({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    redisKeyPrefix: redis.prefix,
    sale: sale.saleId,
    ledgerPaths: [ledgerPath],
    isSelloutExpected: true,
    graceMs: 5_000,
  });
  const elapsedMs = Math.round(performance.now() - startedMs);
  console.info(
    `verify of a ${sale.size}-item sale with a ${ledgerLines}-line ledger took ${elapsedMs} ms: ` +
      report.invariants.map((r) => `${r.id} ${r.elapsedMs} ms`).join(', ') +
      `; black-box ${report.blackBox?.elapsedMs} ms`,
  );
  expect(report.invariants.filter((r) => r.status !== 'PASS')).toEqual([]);
  // The black-box checks read the same lines; this ledger predates the code book's
  // fields, so its purchases are attributed by the checkouts that returned their codes.
  expect(report.blackBox?.invariants.filter((r) => r.status === 'FAIL')).toEqual([]);
  expect(report.blackBox?.invariants.find((r) => r.id === 'single-sale')?.counted).toMatch(
    /^10000 purchases of 10000 items/,
  );
  expect(report.ledger).toMatchObject({
    requests: 250_000,
    checkoutsLoaded: 240_000,
    purchasesLoaded: 10_000,
  });
  expect(report.invariants.find((r) => r.id === 'attempts-persisted')!.counted).toMatch(
    /^240000 answered checkouts matched by request id/,
  );
}, 300_000);
