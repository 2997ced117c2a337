// Real inputs for the HTML report tests: simulator reports from runs against the sim tests' shop
// (with a fault and its recovery marked mid-run), and a verify report of a real sold-out sale in which one
// invariant was broken on purpose, so the page shows a FAIL with examples.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSimOptions, type SimReport, simulate } from '@flashsale/sim';
import { type ShopServer, startShopServer } from '../../../sim/test/support/shop-server.js';
import { toJson, type VerifyReportJson } from '../../src/output/json.js';
import { verifySale } from '../../src/verify/run-verify.js';
import { buildSoldOutSale, copySale } from './verify-sale.js';

export const FAULT_KIND = 'chaos_redis_restart';

export type ShopRun = Readonly<{
  shop: ShopServer;
  report: SimReport;
  reportPath: string;
}>;

/** A run that sells a small sale out in a few seconds, with a fault from its second 1 to its second 2. */
export async function runShopSale(
  reportPath: string,
  more: Readonly<{ shard?: string; saleSize?: number }> = {},
): Promise<ShopRun> {
  // Abandoned holds lapse within the run and buyers think briefly, so the sale sells out.
  const shop = await startShopServer({ saleSize: more.saleSize ?? 300, holdTtlMs: 1500 });
  const scenario = join(dirname(reportPath), 'scenario.json');
  writeFileSync(scenario, JSON.stringify({ normal: { think_ms: [0, 100] }, invalid: { think_ms: [0, 0] } }));
  const simulation = simulate(
    parseSimOptions({
      target: shop.url,
      stages: '2s:300,15s:800',
      untilSellout: true,
      users: 5000,
      seed: '17',
      scenario,
      shard: more.shard,
      report: reportPath,
      progress: 'none',
    }),
  );
  // As chaos does: the fault when injected, `:recovered` when the service answers again. Marked
  // from the run's own seconds, not wall-clock timers racing its start-up.
  simulation.on('tick', (tick) => {
    if (tick.second === 1) simulation.markFault(FAULT_KIND, 'marked by the HTML report test');
    if (tick.second === 2) simulation.markFault(`${FAULT_KIND}:recovered`, 'after 1 s');
  });
  return { shop, report: await simulation.done, reportPath };
}

/** Verifies a copy of a real sold-out sale whose Redis says a sold item went to someone else. */
export async function writeFailingVerifyReport(path: string): Promise<VerifyReportJson> {
  const sale = await buildSoldOutSale();
  const broken = await copySale(sale);
  try {
    await broken.redis.hset(broken.keys.sold, '7', 'mallory');
    const report = toJson(await verifySale(broken.options()));
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await broken.cleanup();
    await sale.close();
  }
}
