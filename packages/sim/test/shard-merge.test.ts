import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeReports, parseReport, parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { decodeHistogram } from '../src/record/histograms.js';
import { createTempDir, readLedger, type TempDir } from './support/files.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';

describe('shards and report merge', () => {
  let wholeShop: ShopServer;
  let shardShop: ShopServer;
  let dir: TempDir;
  let whole: SimReport;
  let halves: SimReport[];
  let merged: SimReport;

  beforeAll(async () => {
    [wholeShop, shardShop] = await Promise.all([
      startShopServer({ saleSize: 5000 }),
      startShopServer({ saleSize: 5000 }),
    ]);
    dir = createTempDir();
    // --rps is the rate of the whole run: each of n shards sends 1/n of it.
    const run = (target: string, rps: number, shard: string, name: string) =>
      simulate(
        parseSimOptions({
          target,
          rps,
          duration: '3s',
          users: 1000,
          seed: 8,
          shard,
          report: dir.path(`${name}.json`),
          ledger: dir.path(`${name}.jsonl`),
        }),
      ).done;
    [whole, ...halves] = await Promise.all([
      run(wholeShop.url, 400, '0/1', 'whole'),
      run(shardShop.url, 400, '0/2', 'half-0'),
      run(shardShop.url, 400, '1/2', 'half-1'),
    ]);
    merged = mergeReports(
      ['half-0', 'half-1'].map((name) => parseReport(readFileSync(dir.path(`${name}.json`), 'utf8'), name)),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([wholeShop.close(), shardShop.close()]);
    dir.remove();
  });

  it('two half runs merge to the counts of one whole', () => {
    expect(whole.scheduled).toBe(1200);
    expect(merged.scheduled).toBe(whole.scheduled);
    expect(merged.requests).toBe(whole.requests);
    expect(merged.requests).toBe(halves.reduce((sum, half) => sum + half.requests, 0));
    expect(merged.dropped + merged.requests).toBe(merged.scheduled);
    expect(merged.by_endpoint.checkout.requests + merged.by_endpoint.purchase.requests).toBe(merged.requests);
    expect(merged.merged_from).toBe(2);
    expect(merged.shard).toBeNull();
  });

  it('each shard schedules its share of the rate, and the merge spans them both', () => {
    // A run that was not stopped lasts its planned 3 s, so its target is its scheduled slots over those.
    expect([whole, ...halves].map((report) => [report.duration_ms, report.target_rps])).toEqual([
      [3000, 400],
      [3000, 200],
      [3000, 200],
    ]);
    // The halves started a moment apart: the merged run lasts from the first start to the last end
    // (read from the reports, whose start times are whole milliseconds).
    const starts = halves.map((half) => Date.parse(half.started_at));
    const ends = halves.map((half, i) => starts[i]! + half.duration_ms);
    expect(merged.duration_ms).toBeCloseTo(Math.max(...ends) - Math.min(...starts), 2);
    expect(merged.target_rps).toBeCloseTo(merged.scheduled / (merged.duration_ms / 1000), 2);
  });

  it('the merged histograms add up, and percentiles are recomputed from them', () => {
    const total = Object.values(merged.histograms.response_time_us)
      .map((encoded) => decodeHistogram(encoded).totalCount)
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(merged.requests);
    expect(merged.latency_ms.count).toBe(merged.requests);
    // Equal within HdrHistogram's 3 significant digits.
    const halvesMax = Math.max(...halves.map((half) => half.latency_ms.max));
    expect(Math.abs(merged.latency_ms.max - halvesMax) / halvesMax).toBeLessThan(0.001);
  });

  it('the merged timeline adds the halves second by second', () => {
    expect(merged.timeline.reduce((sum, second) => sum + second.target, 0)).toBe(merged.scheduled);
    expect(merged.timeline.reduce((sum, second) => sum + second.done, 0)).toBe(merged.requests);
    expect(merged.timeline.length).toBeLessThanOrEqual(
      Math.max(...halves.map((half) => half.timeline.length)) + 1,
    );
  });

  it('the shards never share a buyer, and together they reach the same population', () => {
    const usersOf = (name: string) =>
      new Set(
        readLedger(dir.path(`${name}.jsonl`))
          .filter((line) => line.endpoint === 'checkout' && line.behaviour !== 'invalid')
          .map((line) => line.user_id as string),
      );
    const [first, second] = [usersOf('half-0'), usersOf('half-1')];
    for (const user of first) expect(second.has(user)).toBe(false);
    for (const user of first) expect(Number(user.split('.u')[1]) % 2).toBe(0);
    for (const user of second) expect(Number(user.split('.u')[1]) % 2).toBe(1);
    expect(halves.map((half) => half.shard)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
  });

  it("the merged report's config shows the total rate and the shard count", () => {
    expect(merged.config.stages).toEqual([{ duration_ms: 3000, rps: 400 }]);
    expect(merged.config.shards).toBe(2);
    expect(whole.config.shards).toBe(1);
  });

  it('merging one report gives it back, and merging nothing is refused', () => {
    expect(mergeReports([whole])).toBe(whole);
    expect(() => mergeReports([])).toThrow(/at least one report/);
  });

  it('a file that is not a report is refused with its name', () => {
    expect(() => parseReport('{"hello":1}', 'hello.json')).toThrow(/hello.json is not a simulator report/);
    expect(() => parseReport('not json', 'x.json')).toThrow(/x.json is not JSON/);
  });
});

describe('shards watching the sale', () => {
  let shop: ShopServer;
  afterAll(() => shop.close());

  it('only shard 0 reads GET /sale every second; the others read it once, for its size', async () => {
    shop = await startShopServer({ saleSize: 5000 });
    const run = (shard: string) =>
      simulate(
        parseSimOptions({
          target: shop.url,
          rps: 100,
          duration: '2500ms',
          untilSellout: true,
          users: 1000,
          seed: 4,
          shard,
          itemsRefresh: '0',
          warmUp: '0',
        }),
      ).done;
    const [first, second] = await Promise.all([run('0/2'), run('1/2')]);
    expect(second?.monitor_requests).toBe(1);
    expect(first?.monitor_requests).toBeGreaterThan(2);
    expect((first?.monitor_requests ?? 0) + (second?.monitor_requests ?? 0)).toBe(shop.received.get('/sale'));
  });

  it('a shard other than 0 stops at sell-out once its item list shows every item sold', async () => {
    const soldOut = await startShopServer({ saleSize: 50 });
    try {
      for (let itemId = 0; itemId < 50; itemId++) {
        const code = soldOut.shop.checkout(`another.shard.${itemId}`, String(itemId)).body.code as string;
        soldOut.shop.purchase(code);
      }
      const report = await simulate(
        parseSimOptions({
          target: soldOut.url,
          rps: 100,
          duration: '30s',
          untilSellout: true,
          users: 1000,
          shard: '1/2',
          warmUp: '0',
        }),
      ).done;
      expect(soldOut.shop.sold).toBe(50);
      // Stopped before its first slot: the item list read before the start showed the sell-out.
      expect(report.scheduled).toBe(0);
      expect(soldOut.received.get('/sale')).toBe(1);
      expect(soldOut.received.get('/sale/items')).toBeGreaterThan(0);
    } finally {
      await soldOut.close();
    }
  });
});
