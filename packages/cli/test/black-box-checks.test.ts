// The black-box checks on hand-written ledgers: each planted violation fails the check it breaks,
// and indeterminate answers (a timeout, a 5xx) widen the bounds without failing anything.
import { writeFileSync } from 'node:fs';
import { formatRequestLine, type LedgerRequest } from '@flashsale/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { verifyLedgers } from '../src/verify/black-box/run-black-box.js';

let dir: TempDir;
let files = 0;
beforeAll(() => {
  dir = createTempDir();
});
afterAll(() => dir.remove());

const t0 = 1_790_000_000_000;
let sequence = 0;

function line(fields: Partial<LedgerRequest>): LedgerRequest {
  sequence += 1;
  return {
    requestId: `r-0-${sequence}`,
    endpoint: 'checkout',
    behaviour: 'normal',
    userId: null,
    itemId: null,
    code: null,
    saleId: null,
    purchaseId: null,
    attemptId: null,
    issuedUserId: null,
    issuedItemId: null,
    reportedItemId: null,
    expiresMs: null,
    isReplayed: false,
    intendedMs: t0 + sequence,
    sentMs: t0 + sequence,
    doneMs: t0 + sequence + 1,
    status: 201,
    error: null,
    outcome: 'ok',
    ...fields,
  };
}

const checkout = (userId: string, itemId: number, code: string, expiresMs: number | null = null) =>
  line({ userId, itemId, code, expiresMs });
const purchase = (
  code: string,
  userId: string | null,
  itemId: number | null,
  fields: Partial<LedgerRequest> = {},
) => line({ endpoint: 'purchase', code, issuedUserId: userId, issuedItemId: itemId, status: 200, ...fields });
const timedOut = { status: null, error: 'timeout', outcome: 'indeterminate', doneMs: null } as const;

/** A correct sale of items 1..3: ann buys 1 and 2, bob buys 3. */
const cleanSale = (): LedgerRequest[] => [
  checkout('ann', 1, 'c1'),
  purchase('c1', 'ann', 1),
  checkout('ann', 2, 'c2'),
  purchase('c2', 'ann', 2),
  checkout('bob', 3, 'c3'),
  purchase('c3', 'bob', 3),
  line({ userId: 'cat', itemId: 1, status: 409, error: 'sold_out', outcome: 'fail' }),
];

async function check(
  lines: readonly LedgerRequest[],
  options: { userLimit?: number; saleSize?: number } = {},
) {
  const path = dir.path(`ledger-${++files}.jsonl`);
  writeFileSync(path, lines.map(formatRequestLine).join(''));
  const report = await verifyLedgers({
    ledgerPaths: [path],
    saleSize: options.saleSize ?? 3,
    userLimit: options.userLimit ?? 2,
    firstItemId: 1,
    isSelloutExpected: true,
    graceMs: 1000,
    saleId: null,
    profileName: 'test',
  });
  const status = Object.fromEntries(report.invariants.map((r) => [r.id, r.status]));
  const result = (id: string) => report.invariants.find((r) => r.id === id)!;
  return { report, status, result };
}

describe('black-box checks', () => {
  it('a clean sold-out sale passes all six', async () => {
    const { report } = await check(cleanSale());
    expect(report.verdict).toBe('pass');
    expect(report.invariants.map((r) => r.status)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
  });

  it('a replayed answer to a used code repeats a sale, it is not another', async () => {
    const { report } = await check([
      ...cleanSale(),
      purchase('c1', 'ann', 1, { isReplayed: true, sentMs: t0 + 9e6 }),
    ]);
    expect(report.verdict).toBe('pass');
  });

  it.each<[string, LedgerRequest[], string, RegExp]>([
    [
      'a code returned to two buyers',
      [checkout('dan', 9, 'c1')],
      'unique-codes',
      /code c1 returned to 2 buyers for 2 items/,
    ],
    [
      'an item bought again under another code',
      [checkout('dan', 3, 'c9'), purchase('c9', 'dan', 3)],
      'single-sale',
      /item 3 sold 2 times/,
    ],
    [
      'a third item for a buyer with a limit of 2',
      [checkout('ann', 4, 'c4'), purchase('c4', 'ann', 4)],
      'user-limit',
      /ann bought 3 items \(limit 2\)/,
    ],
    [
      'a code no checkout returned',
      [purchase('forged', null, null)],
      'issued-codes',
      /code forged was accepted but no checkout returned it/,
    ],
    [
      'a code issued for one item buying another',
      [checkout('dan', 5, 'c5'), purchase('c5', 'dan', 5, { reportedItemId: 6 })],
      'issued-codes',
      /issued for item 5 but bought item 6/,
    ],
    [
      'a purchase after the hold lapsed',
      [checkout('dan', 5, 'c5', t0), purchase('c5', 'dan', 5, { sentMs: t0 + 5000 })],
      'issued-codes',
      /accepted 5000 ms after its hold lapsed/,
    ],
  ])('%s fails %s', async (_name, extra, id, example) => {
    const { status, result } = await check([...cleanSale(), ...extra], { saleSize: 10 });
    expect(status[id]).toBe('FAIL');
    expect(result(id).examples.join('\n')).toMatch(example);
  });

  it('more purchases than items fail no-oversell', async () => {
    const { status, result } = await check(
      [...cleanSale(), checkout('dan', 4, 'c4'), purchase('c4', 'dan', 4)],
      {
        userLimit: 5,
      },
    );
    expect(status['no-oversell']).toBe('FAIL');
    expect(result('no-oversell').counted).toContain('4 purchases acknowledged of 3 items; 1 too many');
  });

  it('one code acknowledged to two buyers is two sales, a retry by the same buyer one', async () => {
    const { status, result } = await check([
      ...cleanSale(),
      checkout('dan', 4, 'c1'),
      purchase('c1', 'dan', 4),
      purchase('c1', 'dan', 4),
    ]);
    expect(status['unique-codes']).toBe('FAIL');
    expect(result('no-oversell').counted).toContain('4 purchases acknowledged of 3 items; 1 too many');
  });

  it('an unsold item, and sold_out said of an item nobody bought, fail sell-out', async () => {
    const lines = cleanSale().filter((l) => l.code !== 'c3');
    lines.push(line({ userId: 'cat', itemId: 3, status: 409, error: 'sold_out', outcome: 'fail' }));
    const { status, result } = await check(lines);
    expect(status['sell-out']).toBe('FAIL');
    expect(result('sell-out').examples.join('\n')).toMatch(/never sold: item 3/);
    expect(result('sell-out').examples.join('\n')).toMatch(
      /item 3 answered sold_out .* before any purchase of it was sent/,
    );
  });
});

it('a ledger older than the code book fields: purchases are attributed by the checkout that returned their code', async () => {
  const legacy = [...cleanSale(), checkout('ann', 4, 'c4'), purchase('c4', 'ann', 4)].map((l) =>
    l.endpoint === 'purchase' ? { ...l, issuedUserId: null, issuedItemId: null } : l,
  );
  const { status, result } = await check(legacy, { saleSize: 10 });
  expect(status['user-limit']).toBe('FAIL');
  expect(result('user-limit').examples[0]).toMatch(/^ann bought 3 items/);
  expect(status['issued-codes']).toBe('PASS');
});

describe('indeterminate answers widen the bounds and fail nothing by themselves', () => {
  it('a timed-out purchase may have completed the sale: sell-out passes, the slack shown', async () => {
    const lines = cleanSale().map((l) =>
      l.endpoint === 'purchase' && l.code === 'c3' ? { ...l, ...timedOut } : l,
    );
    const { report, result } = await check(lines);
    expect(report.verdict).toBe('pass');
    expect(result('sell-out').counted).toContain('2 purchases (+1 indeterminate) of 3 items');
    expect(result('no-oversell').counted).toContain('(+1 indeterminate)');
  });

  it('a timed-out purchase past the limit is shown as the bound, not failed', async () => {
    const { report, result } = await check(
      [...cleanSale(), checkout('ann', 4, 'c4'), purchase('c4', 'ann', 4, timedOut)],
      { saleSize: 10 },
    );
    expect(result('user-limit').status).toBe('PASS');
    expect(result('user-limit').counted).toContain('at most 3 counting indeterminate purchases');
    expect(report.ledger.indeterminate).toBe(1);
  });

  it('a 5xx purchase with a code never issued is not an issued-codes violation', async () => {
    const { status } = await check([
      ...cleanSale(),
      purchase('forged', null, null, { status: 503, error: 'unavailable', outcome: 'indeterminate' }),
    ]);
    expect(status['issued-codes']).toBe('PASS');
  });
});
