// `flashsale run` across sale rollovers: 4-second sales of 60 items under a steady load, so the
// load crosses at least two rollovers. Every sale it touched is reported and verified (sell-out
// only of a sale whose demand exceeded its supply in its own window), and verify --ledger
// without --sale then names the one sale in which a violation is planted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, useTestStores } from '../../server/test/support/db.js';
import { runCli, storeFlags } from './support/cli.js';

type VerifyJson = {
  verdict: string;
  sale_id: number;
  invariants: Array<{ sale_id?: number; id: string; status: string; counted: string }>;
  sales?: Array<{ sale_id: number; verdict: string }>;
};

describe('flashsale run across sale rollovers', () => {
  const stores = useTestStores();
  const out = mkdtempSync(join(tmpdir(), 'flashsale-run-rollover-'));
  const connection = () => storeFlags(stores);

  it('reports and verifies every sale the load touched, and passes', { timeout: 180_000 }, async () => {
    const result = await runCli([
      'run',
      ...connection(),
      '--out',
      out,
      '--progress',
      'none',
      '--seed',
      '11',
      '--sale-duration',
      '4s',
      '--sale-size',
      '60',
      '--hold-ttl',
      '1s',
      '--rps',
      '150',
      '--duration',
      '11s',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const verify = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8')) as VerifyJson;
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      sales: Array<{ sale_id: number; purchases: number; opened_during_run: boolean }>;
    };
    const verified = (verify.sales ?? []).map((sale) => sale.sale_id);
    // Eleven seconds of 4-second sales: at least three sales, two rollovers.
    expect(verified.length).toBeGreaterThanOrEqual(3);
    expect(verify.verdict).toBe('pass');
    expect((verify.sales ?? []).every((sale) => sale.verdict === 'pass')).toBe(true);
    expect(report.sales.filter((sale) => sale.opened_during_run).length).toBeGreaterThanOrEqual(2);
    for (const saleId of verified) {
      const [bought] = await query<{ n: number }>(
        stores.db.url,
        'SELECT count(*)::int AS n FROM purchases WHERE sale_id = $1',
        [saleId],
      );
      expect(report.sales.find((sale) => sale.sale_id === saleId)?.purchases).toBe(bought!.n);
    }
    // One combined table: every invariant once per sale, each row naming its sale.
    expect(verify.invariants).toHaveLength(8 * verified.length);
    const sellOut = verify.invariants.filter((row) => row.id === 'sell-out');
    for (const row of sellOut) {
      if (row.status === 'SKIP')
        expect(row.counted).toMatch(/^not expected: the ledger saw \d+ of 60 items sold/);
      else expect(row.status).toBe('PASS');
    }
    expect(result.stdout).toMatch(/PASS: all \d+ sales the ledger touched hold every checked invariant/);
    // One suite per sale for the database checks (each sale's black-box checks are a suite of their own).
    expect(
      readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testsuite name="flashsale verify sale /g),
    ).toHaveLength(verified.length);
  });

  it('verify --ledger without --sale fails on the one sale whose acknowledged purchase is deleted', async () => {
    const verify = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8')) as VerifyJson;
    const middle = (verify.sales ?? [])[1]!.sale_id;
    const ledger = readFileSync(join(out, 'ledger.jsonl'), 'utf8').split('\n');
    const acked = ledger
      .filter((line) => line.includes('"endpoint":"purchase"') && line.includes('"status":200'))
      .map((line) => JSON.parse(line) as { code: string; sale_id: number; replayed: boolean })
      .find((entry) => !entry.replayed && entry.sale_id === middle)!;
    await query(stores.db.url, 'DELETE FROM purchases WHERE code = $1', [acked.code]);

    const result = await runCli(['verify', ...connection(), '--ledger', join(out, 'ledger.jsonl'), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as VerifyJson;
    expect(report.verdict).toBe('fail');
    expect(report.sales?.filter((sale) => sale.verdict === 'fail').map((sale) => sale.sale_id)).toEqual([
      middle,
    ]);
    const failed = report.invariants.filter((row) => row.status === 'FAIL');
    expect(failed.every((row) => row.sale_id === middle)).toBe(true);
    expect(failed.map((row) => row.id)).toContain('acked-durable');
    expect(result.stderr).toBe(
      `flashsale: sale ${middle}: invariant violated: ${failed.map((row) => row.id).join(', ')}\n`,
    );
  });
});
