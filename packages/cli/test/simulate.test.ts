import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, readLedger, type TempDir } from '../../sim/test/support/files.js';
import { type ShopServer, startShopServer } from '../../sim/test/support/shop-server.js';
import { startTrivialServer, type TrivialServer } from '../../sim/test/support/trivial-server.js';
import { runCli } from './support/cli.js';

describe('flashsale simulate', () => {
  let shop: ShopServer;
  let dir: TempDir;
  beforeAll(async () => {
    shop = await startShopServer({ saleSize: 1000 });
    dir = createTempDir();
  });
  afterAll(async () => {
    await shop.close();
    dir.remove();
  });

  it('runs, prints one progress line per second and the summary, and writes the report and the ledger', async () => {
    const report = dir.path('report.json');
    const ledger = dir.path('ledger.jsonl');
    const args = ['simulate', '--target', shop.url, '--rps', '200', '--duration', '2s', '--seed', '4'];
    const finished = await runCli([
      ...args,
      '--report',
      report,
      '--ledger',
      ledger,
      '--threshold',
      'errors<1%',
    ]);
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    expect(finished.stdout).toMatch(/^simulating run [0-9a-f]{8}: 400 requests over 2s/m);
    expect(finished.stdout).toMatch(/^\[1s\/2s\] target=200\/s sent=\d+\/s/m);
    expect(finished.stdout).toContain('Response time from the intended send time');
    expect(finished.stdout).toMatch(/│ errors<1%\s+│ pass/);
    const written = JSON.parse(readFileSync(report, 'utf8')) as {
      requests: number;
      config: { seed: number };
    };
    expect(written.requests).toBe(400);
    expect(written.config.seed).toBe(4);
    expect(readLedger(ledger)).toHaveLength(400);
  });

  it('exits 99 and names the objective when a threshold is missed', async () => {
    const finished = await runCli([
      'simulate',
      '--target',
      shop.url,
      '--rps',
      '50',
      '--duration',
      '1s',
      '--threshold',
      'checkout.p99<0.001ms',
      '--threshold',
      'errors<50%',
    ]);
    expect(finished.code).toBe(99);
    expect(finished.stderr).toMatch(
      /^flashsale: threshold missed: checkout\.p99<0\.001ms \(actual [\d.]+ms\)\n$/,
    );
    expect(finished.stdout).toMatch(/│ checkout\.p99<0\.001ms\s+│ MISSED/);
  });

  it.each([
    [['--rps', 'abc'], "--rps: accepts a number above 0, got 'abc'"],
    [['--duration', '10'], "--duration: accepts a duration such as 500ms, 10s, 5m or 1h, got '10'"],
    [['--shard', '3/2'], '--shard: accepts i/n with 0 <= i < n'],
    [['--mix', 'normal=50'], '--mix: accepts normal=N,heavy=N,invalid=N adding up to 100'],
    [
      ['--threshold', 'checkout.p98<5ms'],
      "--threshold 'checkout.p98<5ms': checkout supports p50, p90, p99, p999, max",
    ],
    [['--stages', '10s:5', '--rps', '5'], '--stages: give either --stages or --rps/--duration'],
  ])('refuses %j with one line naming the flag, exit 2, before sending anything', async (args, message) => {
    const before = new Map(shop.received);
    const finished = await runCli(['simulate', '--target', shop.url, ...args]);
    expect(finished.code).toBe(2);
    expect(finished.stderr.split('\n').filter((line) => line.length > 0)).toHaveLength(1);
    expect(finished.stderr).toContain(`flashsale: ${message}`);
    // Not even GET /sale: options are checked before the target is touched.
    expect(shop.received).toEqual(before);
  });

  it('exits 2 before sending anything when the report cannot be written', async () => {
    const before = shop.requestIds.length;
    const finished = await runCli(['simulate', '--target', shop.url, '--report', '/nonexistent/dir/r.json']);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(/^flashsale: --report: cannot write to \/nonexistent\/dir/);
    expect(shop.requestIds.length).toBe(before);
  });

  it('takes its options from SIM_ variables, a given flag winning, as a Kubernetes Job passes them', async () => {
    const report = dir.path('env-report.json');
    const finished = await runCli(['simulate', '--duration', '1s'], {
      SIM_TARGET: shop.url,
      SIM_RPS: '120',
      SIM_DURATION: '30s',
      SIM_SHARD: '1/3',
      SIM_REPORT: report,
      SIM_WARM_UP: '0',
    });
    expect([finished.code, finished.stderr]).toEqual([0, '']);
    const written = JSON.parse(readFileSync(report, 'utf8')) as {
      scheduled: number;
      shard: unknown;
      config: { stages: unknown; shards: number; target: string };
    };
    expect(written.config).toMatchObject({
      stages: [{ duration_ms: 1000, rps: 120 }],
      shards: 3,
      target: shop.url,
    });
    expect(written.shard).toEqual({ index: 1, count: 3 });
    // Shard 1 of 3 sends a third of the 120/s for its 1 s.
    expect(written.scheduled).toBe(40);
  });

  it('exits 2 naming the SIM_ variable whose value is refused', async () => {
    const finished = await runCli(['simulate'], { SIM_TARGET: shop.url, SIM_RPS: 'fast' });
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(/^flashsale: SIM_RPS \(--rps: accepts a number above 0, got 'fast'\)/);
  });

  it('exits 2 when the target cannot be reached', async () => {
    const finished = await runCli(['simulate', '--target', 'http://127.0.0.1:9', '--duration', '1s']);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(/^flashsale: cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});

describe('flashsale simulate --workers', () => {
  let server: TrivialServer;
  let dir: TempDir;
  beforeAll(async () => {
    server = await startTrivialServer();
    dir = createTempDir();
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('spreads rate and buyers over worker processes, into one ledger and one merged report', async () => {
    const report = dir.path('report.json');
    const ledger = dir.path('ledger.jsonl');
    const finished = await runCli([
      'simulate',
      '--target',
      server.url,
      '--rps',
      '600',
      '--duration',
      '2s',
      '--workers',
      '2',
      '--report',
      report,
      '--ledger',
      ledger,
      '--run-id',
      'wkr',
    ]);
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    const arrivals = await server.arrivals();
    const written = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      requests: 1200,
      scheduled: 1200,
      merged_from: 2,
      run_id: 'wkr',
      shard: null,
    });
    expect(arrivals.count).toBe(1200);
    const lines = readLedger(ledger);
    expect(lines).toHaveLength(1200);
    expect(new Set(lines.map((line) => line.request_id)).size).toBe(1200);
    const shards = new Set(lines.map((line) => String(line.request_id).split('-')[1]));
    expect(shards).toEqual(new Set(['0', '1']));
    const intended = lines.map((line) => line.intended_ms as number).sort((a, b) => a - b);
    const gaps = intended.slice(1).map((time, i) => time - (intended[i] as number));
    for (const gap of gaps) expect(gap).toBeCloseTo(1000 / 600, 1);
  });
});
