import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../src/exit-codes.js';
import type { InvariantId, VerifyReport } from '../src/verify/report.js';
import { type VerifyOptions, verifySale } from '../src/verify/run-verify.js';
import {
  growSale,
  losePurchase,
  plantCheckout,
  plantedCode,
  plantHold,
  plantPendingPurchase,
  plantPurchase,
} from './support/verify-plant.js';
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
      /^30 answered checkouts matched by request id/,
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
});

type PlantCase = {
  name: string;
  plant: (copy: SaleCopy) => Promise<void>;
  options?: Partial<VerifyOptions>;
  failed: InvariantId[];
  example: RegExp;
};

const dayMs = 86_400_000;

const plantCases: PlantCase[] = [
  {
    name: 'an item sold twice fails no-oversell (and redis-agrees, whose sold hash cannot name two buyers)',
    async plant(copy) {
      await copy.sql('ALTER TABLE purchases DROP CONSTRAINT purchases_sale_id_item_id_key');
      await copy.sql(
        `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
         SELECT gen_random_uuid(), sale_id, item_id, 'dan', 1, code || 'x', 'planted', hold_expires_at, purchased_at
         FROM purchases WHERE sale_id = $1 AND item_id = 3`,
        [sale.saleId],
      );
      await copy.sql(
        `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
         SELECT gen_random_uuid(), 'planted', sale_id, 'dan', item_id, 'ok', code || 'x', hold_expires_at, purchased_at
         FROM purchases WHERE sale_id = $1 AND item_id = 3 AND user_id = 'ann'`,
        [sale.saleId],
      );
    },
    failed: ['no-oversell', 'redis-agrees'],
    example:
      /^item 3 of sale \d+ sold 2 times: purchase \S+ to user (ann|dan), purchase \S+ to user (ann|dan)$/,
  },
  {
    name: 'an 11th item for one buyer fails user-limit',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await copy.sql('INSERT INTO sale_slots (sale_id, slot) VALUES ($1, 11)', [sale.saleId]);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'ann',
        slot: 11,
        holdExpiresAtMs: sale.nowMs - 10_000,
        purchasedAtMs: sale.nowMs - 20_000,
      });
    },
    failed: ['user-limit'],
    example: /^user ann owns 11 items of sale \d+ \(limit 10\): items 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 24$/,
  },
  {
    name: 'a purchase with no checkout fails provenance',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'dan',
        slot: 1,
        holdExpiresAtMs: sale.nowMs - 10_000,
        purchasedAtMs: sale.nowMs - 20_000,
        hasCheckout: false,
      });
    },
    failed: ['provenance'],
    example:
      /^purchase \S+ \(sale \d+, item 24, user dan, code \S+, request planted-purchase\): no successful checkout issued its code$/,
  },
  {
    name: 'a purchase made after its hold expired fails provenance',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'dan',
        slot: 1,
        holdExpiresAtMs: sale.nowMs - 60_000,
        purchasedAtMs: sale.nowMs - 58_500,
      });
    },
    failed: ['provenance'],
    example:
      /^purchase \S+ \(item 24, user dan, code \S+, request planted-purchase\) made at \S+Z, 1500 ms after its hold expired at \S+Z$/,
  },
  {
    name: 'an acknowledged purchase missing from Postgres fails acked-durable',
    async plant(copy) {
      await losePurchase(copy, sale.codes.cat[0]!);
    },
    options: { isSelloutExpected: false },
    failed: ['acked-durable'],
    example:
      /^code \S+: purchase \S+ acknowledged \(200\) to request \S+ \(ledger\.jsonl:\d+\) is not in purchases$/,
  },
  {
    name: 'a purchase row carrying the request id of a request the client saw rejected fails acked-durable',
    async plant(copy) {
      await copy.sql('UPDATE purchases SET request_id = $1 WHERE code = $2', [
        sale.answers.expired.request_id,
        sale.codes.cat[1],
      ]);
    },
    failed: ['acked-durable'],
    example:
      /^purchase \S+ \(item 19, user cat, code \S+\) has request id \S+ \(ledger\.jsonl:\d+\), which the client saw rejected: 410 code_expired$/,
  },
  {
    name: 'an answered checkout missing from checkout_attempts fails attempts-persisted',
    async plant(copy) {
      await copy.sql('DELETE FROM checkout_attempts WHERE request_id = $1', [
        sale.answers.itemHeld.request_id,
      ]);
    },
    failed: ['attempts-persisted'],
    example:
      /^request \S+ \(ledger\.jsonl:\d+, checkout by user cat of item 18, answered 409 item_held\): no checkout_attempts row$/,
  },
  {
    name: 'a checkout stored with another outcome than answered fails attempts-persisted',
    async plant(copy) {
      await copy.sql("UPDATE checkout_attempts SET outcome = 'sold_out' WHERE request_id = $1", [
        sale.answers.userLimit.request_id,
      ]);
    },
    failed: ['attempts-persisted'],
    example:
      /^request \S+ \(ledger\.jsonl:\d+, checkout by user ann of item 10, answered 403 user_limit\): stored as sold_out for user ann, item 10$/,
  },
  {
    name: 'a Redis sold entry naming another buyer fails redis-agrees',
    async plant(copy) {
      await copy.redis.hset(copy.keys.sold, '5', 'mallory');
    },
    failed: ['redis-agrees'],
    example: /^item 5: Redis sold it to user mallory, Postgres to user ann \(purchase \S+\)$/,
  },
  {
    name: 'a Redis owned mask counting an item the buyer does not own fails redis-agrees',
    async plant(copy) {
      await copy.redis.hset(copy.keys.owned, 'bob', String(0b111111111));
    },
    failed: ['redis-agrees'],
    example:
      /^user bob: Redis owns 9 item\(s\) \(owned mask 511, slots 1,2,3,4,5,6,7,8,9\), Postgres 8 item\(s\) \(slots 1,2,3,4,5,6,7,8\)$/,
  },
  {
    name: 'a purchase pending in Redis for a minute that Postgres never got fails redis-agrees',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantPendingPurchase(copy, sale, { itemId, userId: 'dan', admittedMs: sale.nowMs - 60_000 });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees'],
    example: /^item 24: Redis sold it to user dan; Postgres has no purchase of it$/,
  },
  {
    name: 'a live Redis hold with no checkout behind it fails redis-agrees (and no-stuck-holds: every checkout has lapsed)',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantHold(copy, sale, {
        itemId,
        userId: 'dan',
        deadlineMs: sale.nowMs + 20_000,
        hasCheckout: false,
      });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees', 'no-stuck-holds'],
    example:
      /^item 24: Redis holds it for user dan \(code \S+\) but Postgres has no successful checkout with that code$/,
  },
  {
    name: 'a live hold Postgres records and Redis lost fails redis-agrees',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantCheckout(copy, sale, {
        itemId,
        userId: 'dan',
        code: plantedCode(sale),
        holdExpiresAtMs: sale.nowMs + 20_000,
      });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees'],
    example:
      /^item 24: Postgres records a hold by user dan \(code \S+\) until \S+Z that Redis does not hold$/,
  },
  {
    name: 'a sale whose Redis keys vanished fails redis-agrees (and no hold can be stuck)',
    async plant(copy) {
      await copy.redis.del(...Object.values(copy.keys));
    },
    failed: ['redis-agrees'],
    example: /Redis has no \{sale:\d+\}:meta key under this key prefix/,
  },
  {
    name: 'a hold left behind long past its deadline fails no-stuck-holds',
    async plant(copy) {
      const itemId = await growSale(copy, sale);
      await plantHold(copy, sale, { itemId, userId: 'dan', deadlineMs: sale.nowMs - 60_000 });
    },
    options: { isSelloutExpected: false },
    failed: ['no-stuck-holds'],
    example: /^item 24: held by user dan \(code \S+\) 60\.0 s past its deadline \S+Z$/,
  },
  {
    name: 'an item never sold fails sell-out when the sale was expected to sell out',
    async plant(copy) {
      await growSale(copy, sale);
    },
    failed: ['sell-out'],
    example: /^item 24 of sale \d+ unsold: never checked out successfully$/,
  },
];

describe('a violation planted behind the service is reported by exactly its invariant', () => {
  it.each(plantCases)('$name', async ({ plant, options, failed, example }) => {
    const report = await verifyPlanted(plant, options);
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
