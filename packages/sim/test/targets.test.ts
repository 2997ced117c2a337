// `--target URL1,URL2`: buyers spread over several instances without a balancer, each buyer
// sticking to one (its purchase goes where its checkout got the code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetIndexOf } from '../src/http/sender.js';
import { parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { createTempDir, type LedgerLine, readLedger, type TempDir } from './support/files.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';

describe('a run against two targets', () => {
  let shops: ShopServer[];
  let dir: TempDir;
  let report: SimReport;
  let ledger: LedgerLine[];

  beforeAll(async () => {
    // Two shops that share nothing: a buyer who checked out at one and bought at the other would
    // be told unknown_code.
    shops = await Promise.all([startShopServer({ saleSize: 2000 }), startShopServer({ saleSize: 2000 })]);
    dir = createTempDir();
    report = await simulate(
      parseSimOptions({
        target: shops.map((shop) => shop.url).join(','),
        rps: 300,
        duration: '2s',
        users: 500,
        seed: 3,
        mix: 'normal=70,heavy=30',
        warmUp: '0',
        report: dir.path('report.json'),
        ledger: dir.path('ledger.jsonl'),
      }),
    ).done;
    ledger = readLedger(dir.path('ledger.jsonl'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(shops.map((shop) => shop.close()));
    dir.remove();
  });

  it('sends load to both, and every request the ledger holds reached one of them', () => {
    const received = shops.map((shop) => shop.requestIds.length);
    expect(received.every((count) => count > report.requests / 4)).toBe(true);
    expect(received[0]! + received[1]!).toBe(report.requests);
    expect(ledger).toHaveLength(report.requests);
    expect(report.config.target).toBe(shops.map((shop) => shop.url).join(','));
  });

  it('keeps each buyer on one target, so every code is bought where it was issued', () => {
    const shopOf = new Map<string, number>();
    shops.forEach((shop, index) => {
      for (const id of shop.requestIds) shopOf.set(id, index);
    });
    const targetsOfUser = new Map<string, Set<number>>();
    for (const line of ledger) {
      if (line.endpoint !== 'checkout') continue;
      const user = line.user_id as string;
      const seen = targetsOfUser.get(user) ?? new Set<number>();
      seen.add(shopOf.get(line.request_id as string)!);
      targetsOfUser.set(user, seen);
    }
    expect(targetsOfUser.size).toBeGreaterThan(10);
    for (const [user, seen] of targetsOfUser) {
      expect([...seen]).toEqual([targetIndexOf(user, 2)]);
    }
    const purchases = report.by_endpoint.purchase;
    expect(purchases.outcomes.success ?? 0).toBeGreaterThan(0);
    expect(purchases.outcomes.unknown_code ?? 0).toBe(0);
  });
});

describe('picking a target for a buyer', () => {
  it('gives one buyer the same target every time, and spreads buyers over all of them', () => {
    const users = Array.from({ length: 3000 }, (_, i) => `s1.u${i}`);
    const counts = [0, 0, 0];
    for (const user of users) {
      const index = targetIndexOf(user, 3);
      expect(targetIndexOf(user, 3)).toBe(index);
      counts[index]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
