// Several service instances (separate `flashsale serve` processes, not --workers) on one Redis and
// one Postgres: load spread over three of them sells the sale out and passes verify although one
// is SIGKILLed mid-run; an instance started with another --sale-size is refused with one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestStores } from '../../server/test/support/db.js';
import { type Running, runCli, startCli, storeFlags } from './support/cli.js';

const SALE_SIZE = 30;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flashsale-instances-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Sale = { sale_id: number; sold: number; held: number };

const saleAt = async (url: string) => (await (await fetch(`${url}/sale`)).json()) as Sale;

describe('three instances on one Redis and one Postgres', () => {
  const stores = useTestStores();
  const settings = ['--sale-size', String(SALE_SIZE), '--sale-duration', '1d', '--hold-ttl', '10s'];

  it('sell the sale out under load spread over all three, one of them SIGKILLed mid-run, and verify passes', async () => {
    const instances: Running[] = [0, 1, 2].map(() =>
      startCli(['serve', '--port', '0', ...storeFlags(stores), ...settings]),
    );
    try {
      const urls = await Promise.all(
        instances.map(async (instance) => String((await instance.waitForEvent('listening')).url)),
      );

      // A fourth that disagrees on the size is refused at start, in one line naming the setting.
      const odd = await runCli([
        'serve',
        '--port',
        '0',
        ...storeFlags(stores),
        ...settings,
        '--sale-size',
        '31',
      ]);
      expect(odd.code).toBe(2);
      expect(odd.stderr.trim().split('\n')).toHaveLength(1);
      expect(odd.stderr).toMatch(/--sale-size is 31 here, but .* 30/);
      // So is one with workers: its primary checks once, instead of forking workers that die.
      const oddWorkers = await runCli([
        'serve',
        '--port',
        '0',
        ...storeFlags(stores),
        ...settings,
        '--user-limit',
        '3',
        '--workers',
        '2',
      ]);
      expect(oddWorkers.code).toBe(2);
      expect(oddWorkers.stderr.trim().split('\n')).toHaveLength(1);
      expect(oddWorkers.stderr).toMatch(/--user-limit is 3 here, but .* 10/);

      // One simulator per instance, each playing its third of the buyers.
      const ledgers = urls.map((_, i) => join(dir, `shard-${i}.jsonl`));
      const sims = urls.map((url, i) =>
        runCli([
          'simulate',
          '--target',
          url,
          '--shard',
          `${i}/3`,
          '--rps',
          '40',
          '--duration',
          '30s',
          '--until-sellout',
          '--sale-size',
          String(SALE_SIZE),
          '--warm-up',
          '0',
          '--progress',
          'none',
          '--ledger',
          ledgers[i]!,
        ]),
      );
      // The third instance dies once the sale is under way.
      while ((await saleAt(urls[0]!)).sold < 5) await new Promise((resolve) => setTimeout(resolve, 50));
      const victim = instances[2]!;
      victim.child.kill('SIGKILL');
      expect((await victim.finished).signal).toBe('SIGKILL');

      const finished = await Promise.all(sims);
      expect(finished.slice(0, 2).map((sim) => sim.code)).toEqual([0, 0]);
      // Holds of buyers who walked away, or whose instance died, lapse before the sell-out is checked.
      let sale = await saleAt(urls[0]!);
      while (sale.held > 0) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        sale = await saleAt(urls[0]!);
      }
      const verified = await runCli([
        'verify',
        ...storeFlags(stores),
        '--sale',
        String(sale.sale_id),
        '--expect-sellout',
        '--json',
        ...ledgers.flatMap((ledger) => ['--ledger', ledger]),
      ]);
      const report = JSON.parse(verified.stdout) as { invariants: Array<{ id: string; status: string }> };
      expect(
        report.invariants.filter((r) => r.status !== 'PASS'),
        verified.stdout,
      ).toEqual([]);
      expect(verified.code).toBe(0);
    } finally {
      for (const instance of instances) instance.child.kill('SIGTERM');
      await Promise.all(instances.map((instance) => instance.finished));
    }
  }, 240_000);
});
