import { readFileSync, writeFileSync } from 'node:fs';
import { parseSimOptions, type SimReport, simulate } from '@flashsale/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { type ShopServer, startShopServer } from '../../sim/test/support/shop-server.js';
import { runCli } from './support/cli.js';

describe('flashsale report merge', () => {
  let shop: ShopServer;
  let dir: TempDir;
  let halves: SimReport[];

  beforeAll(async () => {
    shop = await startShopServer({ saleSize: 2000 });
    dir = createTempDir();
    halves = await Promise.all(
      ['0/2', '1/2'].map(
        (shard, index) =>
          simulate(
            parseSimOptions({
              target: shop.url,
              // The total rate: each of the two shards sends 150/s.
              rps: 300,
              duration: '2s',
              shard,
              users: 500,
              report: dir.path(`half-${index}.json`),
            }),
          ).done,
      ),
    );
  }, 60_000);
  afterAll(async () => {
    await shop.close();
    dir.remove();
  });

  it('adds up shard reports and writes the merged report to stdout', async () => {
    const finished = await runCli(['report', 'merge', dir.path('half-0.json'), dir.path('half-1.json')]);
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    const merged = JSON.parse(finished.stdout) as SimReport;
    expect(merged.requests).toBe(halves[0]!.requests + halves[1]!.requests);
    expect(merged.scheduled).toBe(600);
    expect(merged.merged_from).toBe(2);
    expect([merged.config.stages, merged.config.shards]).toEqual([[{ duration_ms: 2000, rps: 300 }], 2]);
    expect(merged.requests).toBe(
      (shop.received.get('/checkout') ?? 0) + (shop.received.get('/purchase') ?? 0),
    );
  });

  it('writes to --output instead when given', async () => {
    const output = dir.path('merged.json');
    const finished = await runCli([
      'report',
      'merge',
      dir.path('half-0.json'),
      dir.path('half-1.json'),
      '--output',
      output,
    ]);
    expect([finished.code, finished.stdout]).toEqual([0, '']);
    expect((JSON.parse(readFileSync(output, 'utf8')) as SimReport).merged_from).toBe(2);
  });

  it('exits 2 naming a file that is missing or is not a report', async () => {
    const other = dir.path('other.json');
    writeFileSync(other, '{"hello":"world"}');
    const notReport = await runCli(['report', 'merge', dir.path('half-0.json'), other]);
    expect(notReport.code).toBe(2);
    expect(notReport.stderr).toBe(
      `flashsale: ${other} is not a simulator report (no "format": "flashsale-sim-report@1")\n`,
    );
    const missing = await runCli(['report', 'merge', dir.path('nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^flashsale: cannot read .*nope\.json/);
  });
});
