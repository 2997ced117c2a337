// `flashsale verify` end to end: the built CLI, spawned as a user runs it, against copies of a
// sale driven through a real server.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../server/test/support/redis.js';
import type { VerifyReportJson } from '../src/output/json.js';
import { invariantIds } from '../src/verify/report.js';
import { runCli } from './support/cli.js';
import { plantCases } from './support/verify-cases.js';
import { buildSoldOutSale, copySale, type SaleCopy, type SoldOutSale } from './support/verify-sale.js';

let sale: SoldOutSale;
let clean: SaleCopy;
let broken: SaleCopy;
beforeAll(async () => {
  sale = await buildSoldOutSale();
  clean = await copySale(sale);
  broken = await copySale(sale);
  await broken.redis.hset(broken.keys.sold, '7', 'mallory');
}, 120_000);
afterAll(async () => {
  await clean?.cleanup();
  await broken?.cleanup();
  await sale?.close();
});

const flagsFor = (copy: SaleCopy) => [
  '--sale',
  String(sale.saleId),
  '--database-url',
  copy.url,
  '--redis-url',
  REDIS_URL,
  '--redis-key-prefix',
  copy.prefix,
];

describe('flashsale verify', () => {
  it('prints a table of every invariant and a PASS verdict, exit 0, for a clean sold-out sale', async () => {
    const result = await runCli([
      'verify',
      ...flagsFor(clean),
      '--ledger',
      sale.ledgerPath,
      '--expect-sellout',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^sale ${sale.saleId}: .* 24 items, limit 10 per buyer, holds 30000 ms; ledger: 60 requests, 1 faults in 1 file\\(s\\)$`,
      ),
    );
    for (const id of [
      'no-oversell',
      'sell-out',
      'user-limit',
      'provenance',
      'attempts-persisted',
      'acked-durable',
      'redis-agrees',
      'no-stuck-holds',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`│ ${id} +│ PASS +│`));
    }
    // The ledger's own proof follows, the black-box checks any service gets.
    expect(result.stdout).toContain('black-box (profile default): 60 requests in 1 ledger(s)');
    for (const id of ['unique-codes', 'single-sale', 'issued-codes']) {
      expect(result.stdout).toMatch(new RegExp(`│ ${id} +│ PASS +│`));
    }
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^PASS: sale ${sale.saleId}: all 8 checked invariants hold \\(\\d+ ms\\); black-box: all 5 checked invariants hold, 1 skipped \\(\\d+ ms\\)$`,
      ),
    );
  });

  it('with --json prints the machine report naming the broken invariant, exit 1', async () => {
    const result = await runCli(['verify', ...flagsFor(broken), '--ledger', sale.ledgerPath, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`flashsale: sale ${sale.saleId}: invariant violated: redis-agrees\n`);
    const report = JSON.parse(result.stdout) as VerifyReportJson;
    expect(report).toMatchObject({ sale_id: sale.saleId, verdict: 'fail', grace_ms: 5000 });
    expect(report.invariants.map((r) => [r.id, r.status])).toEqual([
      ['no-oversell', 'PASS'],
      ['sell-out', 'SKIP'],
      ['user-limit', 'PASS'],
      ['provenance', 'PASS'],
      ['attempts-persisted', 'PASS'],
      ['acked-durable', 'PASS'],
      ['redis-agrees', 'FAIL'],
      ['no-stuck-holds', 'PASS'],
    ]);
    const redisAgrees = report.invariants.find((r) => r.id === 'redis-agrees')!;
    expect(redisAgrees.violations).toBe(1);
    expect(redisAgrees.examples).toEqual([
      expect.stringMatching(/^item 7: Redis sold it to user mallory, Postgres to user ann/),
    ]);
    expect(report.ledger).toMatchObject({ files: [sale.ledgerPath], requests: 60, faults: 1 });
  });

  it('with --junit writes one test case per invariant, the violated one a failure with its examples', async () => {
    const path = join(sale.dir, `junit-${process.pid}.xml`);
    const result = await runCli(['verify', ...flagsFor(broken), '--junit', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/│ redis-agrees +│ FAIL +│/);
    const xml = await readFile(path, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(8);
    const names = [...xml.matchAll(/<testcase classname="flashsale\.verify" name="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(names).toEqual([
      'no-oversell',
      'sell-out',
      'user-limit',
      'provenance',
      'attempts-persisted',
      'acked-durable',
      'redis-agrees',
      'no-stuck-holds',
    ]);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toMatch(/<failure message="redis-agrees: [^"]*1 disagreements" type="invariant_violated"\/>/);
    expect(xml).toContain('- item 7: Redis sold it to user mallory');
    expect(xml.match(/<skipped\/>/g)).toHaveLength(3); // sell-out and the two ledger invariants
    expect(xml).toMatch(/<testsuites tests="8" failures="1" errors="0" skipped="3"/);
  });

  const exit2: Array<[string, string[], RegExp]> = [
    [
      'an unreachable Postgres',
      ['--database-url', 'postgres://127.0.0.1:1/nothing'],
      /^flashsale: could not connect to Postgres at postgres:\/\/127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/,
    ],
    [
      'a sale that does not exist',
      ['--sale', '12345'],
      /^flashsale: no such sale: 12345 is not in the sales table/,
    ],
    [
      'a --sale that is not a sale id',
      ['--sale', 'yesterday'],
      /^flashsale: --sale: "yesterday" is not valid; expected a sale id/,
    ],
    [
      'a --grace that is not a duration',
      ['--grace', '5'],
      /^flashsale: --grace: "5" is not valid; expected a duration/,
    ],
    [
      'a ledger that cannot be read',
      ['--ledger', '/nonexistent/ledger.jsonl'],
      /^flashsale: --ledger \/nonexistent\/ledger\.jsonl: cannot read it/,
    ],
  ];

  it.each(exit2)('%s is exit 2 with one line saying what', async (_name, flags, message) => {
    const result = await runCli(['verify', ...flagsFor(clean), ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('--help lists every invariant and the exit codes', async () => {
    const result = await runCli(['verify', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--sale',
      '--ledger',
      '--expect-sellout',
      '--grace',
      '--json',
      '--junit',
      '--database-url',
      '--redis-url',
      '--redis-key-prefix',
    ]) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('no-stuck-holds');
    expect(result.stdout).toMatch(
      /Exit codes: 0 every checked invariant holds, 1 an invariant is violated, 2 could not check/,
    );
  });

  // One planted violation per invariant (the first case of the shared table that fails it first),
  // through the built CLI: exit 1, and exactly the case's invariants fail.
  const casePerInvariant = invariantIds.map((id) => {
    const found = plantCases.find((c) => c.failed[0] === id);
    if (found === undefined) throw new Error(`no planted case fails ${id} first`);
    return { id, ...found };
  });

  it.each(casePerInvariant)('$id violated: $name, exit 1', async ({ plant, options = {}, failed }) => {
    const { isSelloutExpected = true, ...rest } = options;
    expect(rest, 'the CLI has flags for --expect-sellout only').toEqual({});
    const copy = await copySale(sale);
    try {
      await plant(copy, sale);
      const result = await runCli([
        'verify',
        ...flagsFor(copy),
        '--ledger',
        sale.ledgerPath,
        ...(isSelloutExpected ? ['--expect-sellout'] : []),
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as VerifyReportJson;
      expect(report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id)).toEqual(failed);
      expect(result.stderr).toBe(
        `flashsale: sale ${sale.saleId}: invariant violated: ${failed.join(', ')}\n`,
      );
    } finally {
      await copy.cleanup();
    }
  });
});
