// The CI gate: `flashsale run` sells out a 10,000-item sale with the default mix against the real
// services and verifies every invariant with its ledger; a violation planted afterwards behind the
// service's back makes `verify --ledger` fail and name it.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, useTestStores } from '../../server/test/support/db.js';
import { runCli, storeFlags } from './support/cli.js';

describe('flashsale run', () => {
  const stores = useTestStores();
  const out = mkdtempSync(join(tmpdir(), 'flashsale-run-'));

  const connection = () => storeFlags(stores);

  it('sells out a 10,000-item sale, passes every invariant and writes its outputs', {
    timeout: 300_000,
  }, async () => {
    const result = await runCli(['run', ...connection(), '--out', out, '--progress', 'none', '--seed', '7']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const file of [
      'ledger.jsonl',
      'report.json',
      'report.html',
      'verify.json',
      'junit.xml',
      'service.log',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const verify = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8')) as {
      verdict: string;
      sale_id: number;
      invariants: Array<{ id: string; status: string }>;
      black_box: { verdict: string; invariants: Array<{ id: string; status: string }> };
    };
    expect(verify.verdict).toBe('pass');
    // The same ledger proves the black-box invariants too (sell-out is the database's to say).
    expect(verify.black_box.invariants.map((i) => [i.id, i.status])).toEqual([
      ['unique-codes', 'PASS'],
      ['single-sale', 'PASS'],
      ['user-limit', 'PASS'],
      ['issued-codes', 'PASS'],
      ['no-oversell', 'PASS'],
      ['sell-out', 'SKIP'],
    ]);
    expect(verify.invariants.map((i) => [i.id, i.status])).toEqual([
      ['no-oversell', 'PASS'],
      ['sell-out', 'PASS'],
      ['user-limit', 'PASS'],
      ['provenance', 'PASS'],
      ['attempts-persisted', 'PASS'],
      ['acked-durable', 'PASS'],
      ['redis-agrees', 'PASS'],
      ['no-stuck-holds', 'PASS'],
    ]);
    const [sold] = await query<{ n: number }>(
      stores.db.url,
      'SELECT count(*)::int AS n FROM purchases WHERE sale_id = $1',
      [verify.sale_id],
    );
    expect(sold!.n).toBe(10_000);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(8 + 6);
  });

  it('verify --ledger on that run fails on acked-durable and redis-agrees, once an acknowledged purchase is deleted from Postgres', async () => {
    const verify = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8')) as { sale_id: number };
    const ledger = readFileSync(join(out, 'ledger.jsonl'), 'utf8').split('\n');
    const acked = ledger
      .filter((line) => line.includes('"endpoint":"purchase"') && line.includes('"status":200'))
      .map((line) => JSON.parse(line) as { code: string; replayed: boolean })
      .find((entry) => !entry.replayed)!;
    await query(stores.db.url, 'DELETE FROM purchases WHERE code = $1', [acked.code]);

    const result = await runCli([
      'verify',
      ...connection(),
      '--sale',
      String(verify.sale_id),
      '--ledger',
      join(out, 'ledger.jsonl'),
      '--json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      verdict: string;
      invariants: Array<{ id: string; status: string; examples: string[] }>;
    };
    expect(report.verdict).toBe('fail');
    const failed = report.invariants.filter((i) => i.status === 'FAIL').map((i) => i.id);
    // The client saw it acknowledged, and Redis still shows it sold.
    expect(failed).toEqual(['acked-durable', 'redis-agrees']);
    expect(report.invariants.find((i) => i.id === 'acked-durable')!.examples.join(' ')).toContain(acked.code);
  });
});
