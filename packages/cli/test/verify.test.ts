import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../src/exit-codes.js';
import type { InvariantId, VerifyReport } from '../src/verify/report.js';
import { type VerifyOptions, verifySale } from '../src/verify/run-verify.js';
import { plantCases } from './support/verify-cases.js';
import { growSale, plantHold } from './support/verify-plant.js';
import { buildSoldOutSale, copySale, type SaleCopy, type SoldOutSale } from './support/verify-sale.js';

let sale: SoldOutSale;
beforeAll(async () => {
  sale = await buildSoldOutSale();
}, 120_000);
afterAll(() => sale.close());

const failedIds = (report: VerifyReport) =>
  report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id);
const resultOf = (report: VerifyReport, id: InvariantId) => report.invariants.find((r) => r.id === id)!;

/** Verifies a private copy of the sold-out sale after `plant` changed it. */
async function verifyPlanted(
  plant: (copy: SaleCopy) => Promise<void>,
  more: Partial<VerifyOptions> = {},
): Promise<VerifyReport> {
  const copy = await copySale(sale);
  try {
    await plant(copy);
    return await verifySale(copy.options(more));
  } finally {
    await copy.cleanup();
  }
}

describe('verifySale on a sale driven through a real server', () => {
  it('a clean sold-out sale passes every invariant, counting the purchase the client saw time out as recovered', async () => {
    const report = await verifyPlanted(async () => undefined);
    expect(report.invariants.map((r) => [r.id, r.status])).toEqual([
      ['no-oversell', 'PASS'],
      ['sell-out', 'PASS'],
      ['user-limit', 'PASS'],
      ['provenance', 'PASS'],
      ['attempts-persisted', 'PASS'],
      ['acked-durable', 'PASS'],
      ['redis-agrees', 'PASS'],
      ['no-stuck-holds', 'PASS'],
    ]);
    expect(report.verdict).toBe('pass');
    expect(resultOf(report, 'sell-out').counted).toBe('sold 24 of 24 items');
    // ann 10 + refresh + 403; bob 409 + 10; cat 409 + 6 (the 400 is not matched)
    expect(resultOf(report, 'attempts-persisted').counted).toMatch(
      /^30 answered checkouts matched by attempt id/,
    );
    // 24 codes acknowledged (one of them only by a timeout), the 410, the 404, the malformed code
    expect(resultOf(report, 'acked-durable').counted).toMatch(
      /for 27 codes: 23 acknowledged <= 24 purchase rows <= 23 \+ 1 indeterminate \(1 recovered\); 0 violations$/,
    );
    expect(report.ledger).toMatchObject({
      faults: 1,
      requests: 60,
      checkoutsLoaded: 30,
      checkoutsUnanswered: 1,
    });
  });

  it('without --ledger the ledger invariants are SKIP, and without --expect-sellout sell-out is', async () => {
    const report = await verifyPlanted(async () => undefined, { ledgerPaths: [], isSelloutExpected: false });
    const skipped = report.invariants.filter((r) => r.status === 'SKIP').map((r) => r.id);
    expect(skipped).toEqual(['sell-out', 'attempts-persisted', 'acked-durable']);
    expect(report.verdict).toBe('pass');
    expect(report.ledger).toBeNull();
  });

  it('shard ledgers are checked together: a request in a second ledger counts like one in the first', async () => {
    const copy = await copySale(sale);
    try {
      const second = join(sale.dir, `shard-${process.pid}.jsonl`);
      await writeFile(
        second,
        `${ledgerLine({ request_id: 'shard-2-1', status: 409, error: 'item_held' })}\n`,
      );
      const report = await verifySale(copy.options({ ledgerPaths: [sale.ledgerPath, second] }));
      expect(failedIds(report)).toEqual(['attempts-persisted']);
      expect(resultOf(report, 'attempts-persisted').examples).toEqual([
        expect.stringMatching(
          /^request shard-2-1 \(shard-\d+\.jsonl:1, checkout by user zed of item 3, answered 409 item_held\): no checkout_attempts row$/,
        ),
      ]);
    } finally {
      await copy.cleanup();
    }
  });

  it('a checkout answered 408 (the service never had the request) needs no attempt row', async () => {
    const copy = await copySale(sale);
    try {
      const second = join(sale.dir, `timeout-${process.pid}.jsonl`);
      const line = { request_id: 'idle-conn-1', status: 408, error: 'request_timeout' };
      await writeFile(second, `${ledgerLine(line)}\n`);
      const report = await verifySale(copy.options({ ledgerPaths: [sale.ledgerPath, second] }));
      expect(failedIds(report)).toEqual([]);
      expect(report.ledger).toMatchObject({ checkoutsLoaded: 30, checkoutsUnanswered: 2 });
    } finally {
      await copy.cleanup();
    }
  });
});

const dayMs = 86_400_000;

describe('a violation planted behind the service is reported by exactly its invariant', () => {
  it.each(plantCases)('$name', async ({ plant, options, failed, example }) => {
    const report = await verifyPlanted((copy) => plant(copy, sale), options);
    expect(failedIds(report)).toEqual(failed);
    expect(report.verdict).toBe('fail');
    const first = resultOf(report, failed[0]!);
    expect(first.violations).toBeGreaterThan(0);
    expect(
      first.examples.some((e) => example.test(e)),
      first.examples.join('\n'),
    ).toBe(true);
  });

  it('the hold left behind passes while it is within the grace', async () => {
    const report = await verifyPlanted(
      async (copy) => {
        const itemId = await growSale(copy, sale);
        await plantHold(copy, sale, { itemId, userId: 'dan', deadlineMs: sale.nowMs - 2_000 });
      },
      { isSelloutExpected: false },
    );
    expect(failedIds(report)).toEqual([]);
  });

  it('the sale keys vanished a day after the sale are expired by design, not a disagreement', async () => {
    const report = await verifyPlanted(
      async (copy) => {
        await copy.redis.del(...Object.values(copy.keys));
      },
      { clock: () => sale.nowMs + 3 * dayMs },
    );
    expect(failedIds(report)).toEqual([]);
    expect(resultOf(report, 'redis-agrees').counted).toMatch(/expired by design/);
  });
});

describe('what keeps verify from checking is exit 2, saying what', () => {
  const cases: Array<[string, (copy: SaleCopy) => Promise<Partial<VerifyOptions>>, RegExp]> = [
    [
      'Postgres unreachable',
      async () => ({ databaseUrl: 'postgres://127.0.0.1:1/nothing' }),
      /^could not connect to Postgres at postgres:\/\/127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/,
    ],
    [
      'Redis unreachable',
      async () => ({ redisUrl: 'redis://127.0.0.1:1' }),
      /^could not connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    ],
    ['no such sale', async () => ({ sale: 12345 }), /^no such sale: 12345 is not in the sales table/],
    [
      'a malformed ledger line',
      async () => {
        const path = join(sale.dir, 'malformed.jsonl');
        await writeFile(path, `${ledgerLine({ request_id: 'fine-1' })}\n{"type":"request","request_id":\n`);
        return { ledgerPaths: [sale.ledgerPath, path] };
      },
      /^--ledger \S+malformed\.jsonl:2: not JSON; expected a ledger line written by flashsale simulate$/,
    ],
    [
      'a ledger line of the wrong shape',
      async () => {
        const path = join(sale.dir, 'shape.jsonl');
        await writeFile(
          path,
          `\n${ledgerLine({ request_id: 'fine-2' }).replace('"checkout"', '"refund"')}\n`,
        );
        return { ledgerPaths: [path] };
      },
      /^--ledger \S+shape\.jsonl:2: "endpoint" is not checkout or purchase/,
    ],
    [
      'a ledger file that is not there',
      async () => ({ ledgerPaths: [join(sale.dir, 'missing.jsonl')] }),
      /^--ledger \S+missing\.jsonl: cannot read it \(ENOENT/,
    ],
  ];

  it.each(cases)('%s', async (_name, optionsFor, message) => {
    const copy = await copySale(sale);
    try {
      const failure = await verifySale(copy.options(await optionsFor(copy))).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(CliError);
      expect((failure as CliError).exitCode).toBe(ExitCode.usageOrUnchecked);
      expect((failure as CliError).message).toMatch(message);
    } finally {
      await copy.cleanup();
    }
  });
});

function ledgerLine(fields: Record<string, unknown>): string {
  return JSON.stringify({
    type: 'request',
    request_id: 'x',
    endpoint: 'checkout',
    behaviour: 'normal',
    user_id: 'zed',
    item_id: 3,
    code: null,
    sale_id: null,
    purchase_id: null,
    replayed: false,
    intended_ms: 1,
    sent_ms: 1,
    done_ms: 2,
    status: 409,
    error: 'sold_out',
    outcome: 'fail',
    ...fields,
  });
}
