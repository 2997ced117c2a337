// Buyers learn what is sold as real shoppers do, from the service's item list (GET /sale/items):
// every refresh interval the feed reads pages one after another, one request out at a time, and
// marks what it sees sold or held where this process's buyers pick items. Without it,
// processes that share no memory (shards, workers) keep chasing items another one already bought.
// Its requests are counted apart and never mixed into the load figures.
import { readSaleItemsAnswer } from '@flashsale/protocol';
import type { Client } from 'undici';
import type { HeldItems } from '../buyers/held-items.js';
import type { SoldItems } from '../buyers/sold-items.js';
import { undici } from '../http/undici.js';

/** The service's largest page (GET /sale/items `limit`). */
const pageSize = 1000;
/**
 * Bounds a sweep's cost on the service (a 1,000-item page costs it about 10 ms of CPU): the three
 * pages from the first unsold item hold what a Zipf crowd asks for.
 */
const maxPagesPerSweep = 3;

export type ItemsFeedSetup = Readonly<{
  target: string;
  timeoutMs: number;
  refreshMs: number;
  soldItems: SoldItems;
  heldItems: HeldItems;
  /** Epoch ms, for how long a held item is passed over. */
  nowMs: () => number;
  /** Called once, when a whole sweep finds every item sold. */
  onSoldOut: () => void;
}>;

export class ItemsFeed {
  requests = 0;
  /** False once the target answered something that is not an item page: it has no such list. */
  isAvailable = true;
  readonly #setup: ItemsFeedSetup;
  readonly #client: Client;
  #timer: NodeJS.Timeout | null = null;
  #sweep: Promise<void> | null = null;
  #isClosed = false;
  #isSoldOut = false;

  constructor(setup: ItemsFeedSetup) {
    const { Client } = undici();
    this.#setup = setup;
    this.#client = new Client(setup.target, {
      headersTimeout: setup.timeoutMs,
      bodyTimeout: setup.timeoutMs,
      connect: { timeout: setup.timeoutMs },
    });
  }

  /** Sweeps once per refresh interval from now on (a slow sweep delays the next one). */
  start(): void {
    if (!this.isAvailable) return;
    const run = () => {
      const startedAtMs = performance.now();
      this.#sweep = this.sweep().then(() => {
        if (this.#isClosed || !this.isAvailable) return;
        const waitMs = Math.max(0, this.#setup.refreshMs - (performance.now() - startedAtMs));
        this.#timer = setTimeout(run, waitMs);
        this.#timer.unref();
      });
    };
    this.#timer = setTimeout(run, this.#setup.refreshMs);
    this.#timer.unref();
  }

  /**
   * Reads up to `maxPagesPerSweep` pages from the one holding the first item not known sold: sold
   * is for good, so pages before it need no second look, and buyers favour the lowest unsold ids
   * (popularity follows item id), so the front is where news matters. A failed request ends
   * the sweep early (the next one tries again).
   */
  async sweep(): Promise<void> {
    const { soldItems, heldItems } = this.#setup;
    let total = soldItems.saleSize;
    let isAllSold = true;
    let offset =
      soldItems.unsoldCount === 0 ? total : soldItems.unsoldAt(0) - (soldItems.unsoldAt(0) % pageSize);
    for (let pages = 0; offset < total && pages < maxPagesPerSweep && !this.#isClosed; pages++) {
      const page = await this.#readPage(offset);
      if (page === null) return;
      total = Math.min(page.total, soldItems.saleSize);
      const nowMs = this.#setup.nowMs();
      for (const { itemId, state } of page.items) {
        if (state === 'sold') soldItems.markSold(itemId);
        else {
          isAllSold = false;
          if (state === 'held') heldItems.markHeld(itemId, nowMs);
        }
      }
      offset += pageSize;
    }
    if (!this.#isClosed && isAllSold && offset >= total && !this.#isSoldOut) {
      this.#isSoldOut = true;
      this.#setup.onSoldOut();
    }
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    // Destroying the client first fails a page still out, so the sweep ends at once.
    await this.#client.destroy();
    await this.#sweep;
  }

  async #readPage(offset: number): Promise<ReturnType<typeof readSaleItemsAnswer>> {
    this.requests += 1;
    try {
      const response = await this.#client.request({
        path: `/sale/items?offset=${offset}&limit=${pageSize}`,
        method: 'GET',
        signal: AbortSignal.timeout(this.#setup.timeoutMs),
      });
      const text = await response.body.text();
      const page = response.statusCode === 200 ? readSaleItemsAnswer(text) : null;
      // 404 or a body that is no page: the target has no item list, so stop asking. Anything
      // else (503, a slow answer) is passing: skip this sweep.
      if (page === null && (response.statusCode === 404 || response.statusCode === 200))
        this.isAvailable = false;
      return page;
    } catch {
      return null; // no answer this time: the buyers go on with what they know
    }
  }
}
