// Several service instances (separate `flashsale serve` processes, not --workers) on one Redis and
// one Postgres: load spread over three of them sells the sale out and passes verify although one
// is SIGKILLed mid-run; an instance started with another --sale-size is refused with one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestStores } from '../../server/test/support/db.js';
import { runCli, storeFlags } from './support/cli.js';
import {
  saleAt,
  simulateShards,
  startInstances,
  verifySoldOut,
  waitForNoHolds,
  waitForNoPending,
  waitForSold,
} from './support/instances.js';

const SALE_SIZE = 30;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flashsale-instances-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('three instances on one Redis and one Postgres', () => {
  const stores = useTestStores();
  const settings = ['--sale-size', String(SALE_SIZE), '--sale-duration', '1d', '--hold-ttl', '5s'];

  it('sell the sale out under load spread over all three, one of them SIGKILLed mid-run, and verify passes', async () => {
    const { instances, urls, stop } = await startInstances(3, [...storeFlags(stores), ...settings]);
    try {
      // A fourth that disagrees on the size is refused at start, in one line naming the setting; so
      // is one with workers: its primary checks once, instead of forking workers that die.
      const [odd, oddWorkers] = await Promise.all([
        runCli(['serve', '--port', '0', ...storeFlags(stores), ...settings, '--sale-size', '31']),
        runCli([
          'serve',
          '--port',
          '0',
          ...storeFlags(stores),
          ...settings,
          '--user-limit',
          '3',
          '--workers',
          '2',
        ]),
      ]);
      expect(odd.code).toBe(2);
      expect(odd.stderr.trim().split('\n')).toHaveLength(1);
      expect(odd.stderr).toMatch(/--sale-size is 31 here, but .* 30/);
      expect(oddWorkers.code).toBe(2);
      expect(oddWorkers.stderr.trim().split('\n')).toHaveLength(1);
      expect(oddWorkers.stderr).toMatch(/--user-limit is 3 here, but .* 10/);

      // One simulator per instance, each playing its third of the buyers.
      const load = simulateShards(urls, {
        rps: 40,
        durationS: 30,
        saleSize: SALE_SIZE,
        ledgerDir: dir,
        name: 'sale',
      });
      // The third instance dies once the sale is under way.
      const saleId = await waitForSold(urls[0]!, 5);
      const victim = instances[2]!;
      victim.child.kill('SIGKILL');
      expect((await victim.finished).signal).toBe('SIGKILL');

      const live = await Promise.all(load.sims.slice(0, 2).map((sim) => sim.finished));
      expect(live.map((sim) => sim.code)).toEqual([0, 0]);
      // The live two sold the sale out; the dead instance's simulator would go on being refused until
      // its --duration ends: Ctrl-C stops it, and its ledger holds what it saw before and after.
      const orphan = load.sims[2]!;
      orphan.child.kill('SIGINT');
      expect((await orphan.finished).code).toBe(130);
      const { ledgers } = load;
      // Holds of buyers who walked away, or whose instance died, lapse before the sell-out is checked.
      await waitForNoHolds(urls[0]!, saleId);
      // A purchase the dead instance admitted and never wrote is the live ones' reconcilers' to settle.
      await waitForNoPending(stores.redis.client, saleId);
      expect((await saleAt(urls[0]!)).sale_id).toBe(saleId);
      await verifySoldOut(storeFlags(stores), saleId, ledgers);
    } finally {
      await stop();
    }
  }, 240_000);
});
