// Buyers learn what is sold from GET /sale/items, so processes that share no memory (shards,
// workers) do not chase items another one bought.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeldItems } from '../src/buyers/held-items.js';
import { SoldItems } from '../src/buyers/sold-items.js';
import { parseSimOptions, type SimReport, simulate } from '../src/index.js';
import { ItemsFeed } from '../src/sale/items-feed.js';
import { createTempDir, readLedger, type TempDir } from './support/files.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';
import { startTrivialServer, type TrivialServer } from './support/trivial-server.js';

/** Sells `itemIds` in the shop as another buyer would. */
function sellItems(server: ShopServer, itemIds: Iterable<number>): void {
  for (const itemId of itemIds) {
    const held = server.shop.checkout(`someone.else.${itemId}`, String(itemId));
    const code = held.body.code as string;
    server.shop.purchase(code);
  }
}

describe('the item feed', () => {
  let server: ShopServer;
  const feeds: ItemsFeed[] = [];

  beforeAll(async () => {
    // 2,500 items: three pages of the service's largest size (1,000).
    server = await startShopServer({ saleSize: 2500 });
  });
  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.close()));
  });
  afterAll(() => server.close());

  const feedOf = (target: string, onSoldOut = () => undefined) => {
    const soldItems = new SoldItems(2500);
    const heldItems = new HeldItems(2500);
    const feed = new ItemsFeed({
      target,
      timeoutMs: 5000,
      refreshMs: 60_000,
      soldItems,
      heldItems,
      nowMs: () => 1_000,
      onSoldOut,
    });
    feeds.push(feed);
    return { feed, soldItems, heldItems };
  };

  it('a sweep marks every item the list shows sold or held, over all pages', async () => {
    sellItems(server, [0, 999, 1000, 2499]);
    server.shop.checkout('holder', '1500');
    const { feed, soldItems, heldItems } = feedOf(server.url);
    await feed.sweep();
    expect(feed.requests).toBe(3);
    expect([0, 999, 1000, 2499].map((id) => soldItems.isSold(id))).toEqual([true, true, true, true]);
    expect(soldItems.unsoldCount).toBe(2496);
    expect([heldItems.isHeld(1500, 1_000), heldItems.isHeld(1501, 1_000)]).toEqual([true, false]);
  });

  it('says sold out once, when a whole sweep finds every item sold', async () => {
    let soldOutCalls = 0;
    const { feed, soldItems } = feedOf(server.url, () => {
      soldOutCalls += 1;
    });
    await feed.sweep();
    expect(soldOutCalls).toBe(0);
    sellItems(
      server,
      Array.from({ length: 2500 }, (_, id) => id).filter((id) => !soldItems.isSold(id) && id !== 1500),
    );
    server.shop.purchase(server.shop.checkout('holder', '1500').body.code as string);
    await feed.sweep();
    await feed.sweep();
    expect(soldItems.unsoldCount).toBe(0);
    expect(soldOutCalls).toBe(1);
  });

  it('starts at the first item not known sold and reads at most 3 pages a sweep', async () => {
    const big = await startShopServer({ saleSize: 25_000 });
    try {
      sellItems(big, [2500, 4999, 5000]);
      const soldItems = new SoldItems(25_000);
      for (let itemId = 0; itemId < 2100; itemId++) soldItems.markSold(itemId);
      const feed = new ItemsFeed({
        target: big.url,
        timeoutMs: 5000,
        refreshMs: 60_000,
        soldItems,
        heldItems: new HeldItems(25_000),
        nowMs: () => 1_000,
        onSoldOut: () => undefined,
      });
      feeds.push(feed);
      await feed.sweep();
      // Pages from offset 2000 (where item 2100 is) to 4999: three requests.
      expect(feed.requests).toBe(3);
      expect(big.received.get('/sale/items')).toBe(3);
      expect([soldItems.isSold(2500), soldItems.isSold(4999), soldItems.isSold(5000)]).toEqual([
        true,
        true,
        false,
      ]);
    } finally {
      await big.close();
    }
  });

  it('stops asking a target that has no item list', async () => {
    const trivial: TrivialServer = await startTrivialServer();
    try {
      const { feed, soldItems } = feedOf(trivial.url);
      await feed.sweep();
      expect(feed.isAvailable).toBe(false);
      expect(soldItems.unsoldCount).toBe(2500);
    } finally {
      await trivial.close();
    }
  });
});

describe('a shard whose items another shard bought', () => {
  let server: ShopServer;
  let dir: TempDir;
  /** Checkouts answered sold_out for an item the other shard bought before the run. */
  const run = async (itemsRefresh: string): Promise<{ report: SimReport; chased: number }> => {
    const ledger = dir.path(`ledger-${itemsRefresh}.jsonl`);
    const report = await simulate(
      parseSimOptions({
        target: server.url,
        rps: 200,
        duration: '2s',
        users: 1000,
        seed: 5,
        mix: 'normal=100',
        shard: '1/2',
        itemsRefresh,
        warmUp: '0',
        ledger,
      }),
    ).done;
    const chased = readLedger(ledger).filter(
      (line) => line.endpoint === 'checkout' && line.error === 'sold_out' && (line.item_id as number) < 300,
    ).length;
    return { report, chased };
  };

  beforeAll(async () => {
    dir = createTempDir();
    server = await startShopServer({ saleSize: 400 });
    // Shard 0 (here: someone else) already bought all but the last 100 items.
    sellItems(
      server,
      Array.from({ length: 300 }, (_, id) => id),
    );
    expect(server.shop.sold).toBe(300);
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('asks for none of them when its buyers read the item list', async () => {
    const { report, chased } = await run('1s');
    expect(report.by_endpoint.checkout.outcomes.success ?? 0).toBeGreaterThan(0);
    expect(chased).toBe(0);
  });

  it('keeps asking for them when its buyers do not (--items-refresh 0)', async () => {
    const { chased } = await run('0');
    expect(chased).toBeGreaterThan(0);
  });
});
