import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { createTempDir, type LedgerLine, readLedger, type TempDir } from './support/files.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';

describe('a run against the reference shop until it sells out', () => {
  let server: ShopServer;
  let dir: TempDir;
  let report: SimReport;
  let ledger: LedgerLine[];

  beforeAll(async () => {
    // Holds lapse after 1.5 s, so abandoned holds come back to the sale and it can sell out.
    server = await startShopServer({ saleSize: 300, holdTtlMs: 1500 });
    dir = createTempDir();
    const scenario = dir.path('scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({ normal: { think_ms: [0, 100] }, invalid: { think_ms: [0, 0] } }),
    );
    const options = parseSimOptions({
      target: server.url,
      rps: 800,
      duration: '20s',
      untilSellout: true,
      users: 5000,
      seed: 17,
      scenario,
      ledger: dir.path('ledger.jsonl'),
    });
    report = await simulate(options).done;
    ledger = readLedger(dir.path('ledger.jsonl'));
  }, 60_000);
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('stops once GET /sale says sold out, well before --duration', () => {
    expect(server.shop.sold).toBe(300);
    expect(report.sale.sold).toBe(300);
    expect(report.sale.sold_out_ms).not.toBeNull();
    expect(report.duration_ms).toBeLessThan(20_000);
    expect(report.sellout_expected).toBe(true);
  });

  it('learns the sale size from GET /sale and counts those requests apart from the load', () => {
    expect(report.sale.size).toBe(300);
    expect(report.sale.size_source).toBe('service');
    expect(report.monitor_requests).toBe(
      (server.received.get('/sale') ?? 0) + (server.received.get('/sale/items') ?? 0),
    );
    expect(report.requests).toBe(
      (server.received.get('/checkout') ?? 0) + (server.received.get('/purchase') ?? 0),
    );
    expect(ledger).toHaveLength(report.requests);
  });

  it('every sale the shop made was acknowledged in the ledger with its code', () => {
    const bought = ledger.filter(
      (line) => line.endpoint === 'purchase' && line.status === 200 && line.replayed === false,
    );
    expect(bought.length).toBe(report.sale.purchases);
    expect(report.sale.purchases).toBe(300);
    for (const line of bought) expect(line.code).toEqual(expect.any(String));
  });

  it('normal buyers abandon some holds, and the sale figures say when the first and last items sold', () => {
    expect(report.sale.holds_abandoned).toBeGreaterThan(0);
    expect(report.sale.first_sale_ms).toBeLessThanOrEqual(report.sale.last_sale_ms as number);
    expect(report.sale.demand_supply_ratio).toBeGreaterThan(1);
  });

  it('invalid buyers hear only 4xx (or a replay)', () => {
    const invalid = ledger.filter((line) => line.behaviour === 'invalid');
    expect(invalid.length).toBeGreaterThan(0);
    const unexpected = invalid.filter(
      (line) => !((line.status as number) >= 400 && (line.status as number) < 500) && line.replayed !== true,
    );
    expect(unexpected).toEqual([]);
  });
});

describe('heavy buyers on their own', () => {
  it('try to buy past the limit and hear user_limit', async () => {
    // Few buyers and a large sale: every heavy buyer gets far enough to pass its limit, however
    // slowly a busy machine answers.
    const server = await startShopServer({ saleSize: 5000, holdTtlMs: 30_000 });
    const dir = createTempDir();
    try {
      const options = parseSimOptions({
        target: server.url,
        rps: 400,
        duration: '3s',
        mix: 'heavy=100',
        users: 20,
        seed: 5,
        ledger: dir.path('ledger.jsonl'),
      });
      await simulate(options).done;
      const heavy = readLedger(dir.path('ledger.jsonl')).filter((line) => line.behaviour === 'heavy');
      expect(heavy.some((line) => line.error === 'user_limit')).toBe(true);
    } finally {
      await server.close();
      dir.remove();
    }
  });
});
