// Someone else's service, seen only through what the clients saw: stand-ins in the contest
// dialect, each with one planted fault, loaded by `simulate --profile contest` and checked by
// `verify --black-box`, which must exit 1 naming the invariant broken; the correct one sells out
// and passes, also with the load split over worker processes.
import { readFileSync } from 'node:fs';
import type { SimReport } from '@flashsale/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { runCli } from './support/cli.js';
import { type StandInFault, startStandIn } from './support/stand-in.js';

const saleSize = 40;
const userLimit = 3;

type BlackBoxJson = {
  verdict: string;
  invariants: Array<{ id: string; status: string; counted: string; examples: string[] }>;
};

let dir: TempDir;
beforeAll(() => {
  dir = createTempDir();
});
afterAll(() => dir.remove());

/** Loads a stand-in with the given fault until it sells out (or 30 s); returns the ledger and report. */
async function loadStandIn(
  fault: StandInFault,
  name: string,
  extra: readonly string[] = [],
  size = saleSize,
) {
  const standIn = await startStandIn({ saleSize: size, userLimit, holdTtlMs: 2000, fault });
  const ledger = dir.path(`${name}.jsonl`);
  const report = dir.path(`${name}.json`);
  try {
    const simulate = await runCli([
      'simulate',
      '--target',
      standIn.url,
      '--profile',
      'contest',
      '--sale-size',
      String(size),
      '--user-limit',
      String(userLimit),
      '--rps',
      '300',
      '--duration',
      '30s',
      '--until-sellout',
      '--users',
      '400',
      '--seed',
      '16',
      '--warm-up',
      '0',
      '--ledger',
      ledger,
      '--report',
      report,
      ...extra,
    ]);
    expect(simulate.stderr).toBe('');
    expect(simulate.code).toBe(0);
  } finally {
    await standIn.close();
  }
  return { ledger, report: JSON.parse(readFileSync(report, 'utf8')) as SimReport };
}

async function verifyBlackBox(ledger: string, extra: readonly string[] = [], size = saleSize) {
  const finished = await runCli([
    'verify',
    '--black-box',
    '--ledger',
    ledger,
    '--profile',
    'contest',
    '--sale-size',
    String(size),
    '--user-limit',
    String(userLimit),
    '--json',
    ...extra,
  ]);
  return { ...finished, report: JSON.parse(finished.stdout) as BlackBoxJson };
}

const failedIds = (report: BlackBoxJson) =>
  report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id);

describe('a correct service in the contest dialect', () => {
  it('sells out under simulate --profile contest and passes every black-box check', async () => {
    const { ledger, report } = await loadStandIn('none', 'good');
    expect(report.config.profile).toBe('contest');
    expect(report.sale.purchases).toBe(saleSize);
    expect(report.sale.sold_out_ms).toEqual(expect.any(Number));
    expect(report.by_endpoint.checkout.outcomes.unexpected).toBeUndefined();
    expect(report.by_endpoint.checkout.outcomes.success).toBeGreaterThanOrEqual(saleSize);
    const verified = await verifyBlackBox(ledger, ['--expect-sellout']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.report.verdict).toBe('pass');
    expect(verified.report.invariants.map((r) => [r.id, r.status])).toEqual([
      ['unique-codes', 'PASS'],
      ['single-sale', 'PASS'],
      ['user-limit', 'PASS'],
      ['issued-codes', 'PASS'],
      ['no-oversell', 'PASS'],
      ['sell-out', 'PASS'],
    ]);
    // Purchases are attributed from the ledger alone: items from 1, the buyer the code was issued to.
    const purchases = readFileSync(ledger, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"endpoint":"purchase"') && line.includes('"status":200'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(purchases.length).toBeGreaterThanOrEqual(saleSize);
    for (const line of purchases.filter((l) => l.behaviour !== 'invalid')) {
      expect(line.issued_user_id).toEqual(expect.any(String));
      expect(line.issued_item_id as number).toBeGreaterThanOrEqual(1);
      expect(line.issued_item_id as number).toBeLessThanOrEqual(saleSize);
    }
  });

  it('with --workers 2 the profile reaches every worker and the sell-out is seen across them', async () => {
    const { ledger, report } = await loadStandIn('none', 'workers', ['--workers', '2']);
    expect(report.sale.purchases).toBe(saleSize);
    expect(report.sale.sold_out_ms).toEqual(expect.any(Number));
    const verified = await verifyBlackBox(ledger, ['--expect-sellout']);
    expect(verified.code).toBe(0);
  });
});

describe('a planted fault is caught from the ledger alone and named', () => {
  // Buyers who want more than the limit, few enough to come back often, and items enough for them.
  const greedy = ['--mix', 'normal=20,heavy=80,invalid=0', '--users', '10'];
  it.each([
    ['code-per-second', 'unique-codes', [], saleSize],
    ['sell-twice', 'single-sale', [], saleSize],
    ['no-limit', 'user-limit', greedy, 400],
    ['accept-any-code', 'issued-codes', [], saleSize],
  ] as const)('%s: verify --black-box exits 1 naming %s', async (fault, invariant, extra, size) => {
    const { ledger } = await loadStandIn(fault, fault, extra, size);
    const verified = await verifyBlackBox(ledger, [], size);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain(`black-box: invariant violated: `);
    expect(verified.stderr).toContain(invariant);
    expect(failedIds(verified.report)).toContain(invariant);
    const result = verified.report.invariants.find((r) => r.id === invariant)!;
    expect(result.examples.length).toBeGreaterThan(0);
  });
});

describe('verify --black-box usage', () => {
  it('needs a ledger', async () => {
    const finished = await runCli(['verify', '--black-box']);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('--black-box: give the ledgers to check with --ledger FILE');
  });

  it('names the bad key of a profile in one line, before anything runs', async () => {
    const path = dir.path('bad-profile.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, JSON.stringify({ checkout: { success_statuses: [201, 'x'] } }));
    for (const command of [
      ['verify', '--black-box', '--ledger', path, '--profile', path],
      ['simulate', '--profile', path, '--target', 'http://127.0.0.1:9'],
    ]) {
      const finished = await runCli(command);
      expect(finished.code).toBe(2);
      expect(finished.stderr.trim().split('\n')).toHaveLength(1);
      expect(finished.stderr).toContain(
        `--profile ${path}: "checkout.success_statuses[1]" is not an HTTP status`,
      );
    }
  });
});

describe('flashsale run --target URL --profile contest', () => {
  async function runAgainst(fault: StandInFault, name: string) {
    const standIn = await startStandIn({ saleSize, userLimit, holdTtlMs: 2000, fault });
    const out = dir.path(`run-${name}`);
    try {
      const finished = await runCli([
        'run',
        '--target',
        standIn.url,
        '--profile',
        'contest',
        '--sale-size',
        String(saleSize),
        '--user-limit',
        String(userLimit),
        '--rps',
        '300',
        '--duration',
        '30s',
        '--seed',
        '16',
        '--progress',
        'none',
        '--out',
        out,
      ]);
      return { ...finished, out };
    } finally {
      await standIn.close();
    }
  }

  it('starts nothing, sells a correct service out and passes from the ledger alone, with the report filled', async () => {
    const { code, stdout, stderr, out } = await runAgainst('none', 'good');
    expect(stderr).toBe('');
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('run starts nothing and checks the ledger alone');
    expect(stdout).toMatch(/^PASS: black-box: all 6 checked invariants hold/m);
    const verify = JSON.parse(readFileSync(`${out}/verify.json`, 'utf8')) as BlackBoxJson & { mode: string };
    expect(verify.mode).toBe('black-box');
    expect(verify.invariants.every((r) => r.status === 'PASS')).toBe(true);
    expect(readFileSync(`${out}/junit.xml`, 'utf8').match(/<testcase /g)).toHaveLength(6);
    const html = readFileSync(`${out}/report.html`, 'utf8');
    for (const id of ['unique-codes', 'single-sale', 'issued-codes', 'sell-out']) expect(html).toContain(id);
    expect(html).toContain('profile contest');
  });

  it('exits 1 naming what a faulty one broke', async () => {
    const { code, stdout } = await runAgainst('sell-twice', 'bad');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL: black-box: .*single-sale.* violated/m);
  });

  it('--profile without --target is a usage error: run would start our own service', async () => {
    const finished = await runCli(['run', '--profile', 'contest']);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain(
      '--profile describes a service run does not start: give its --target too',
    );
  });
});
