// Serves a Shop over node:http on port 0, counting what it received, for sim tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Shop, type ShopAnswer, type ShopOptions } from './shop.js';

export type ShopServer = Readonly<{
  url: string;
  shop: Shop;
  /** Every sale's shop by sale id (one, unless salePeriodMs rolls them over). */
  shops: ReadonlyMap<number, Shop>;
  /** Requests received per path (`/checkout`, `/purchase`, `/sale`, ...). */
  received: Map<string, number>;
  /** Every x-request-id seen on a load request. */
  requestIds: string[];
  /** The x-attempt-id each checkout was answered with, by x-request-id (purchases get none). */
  attemptIds: Map<string, string>;
  close(): Promise<void>;
}>;

export type ShopServerOptions = ShopOptions &
  Readonly<{
    /**
     * A new sale every `salePeriodMs` (id: floor(now / period)), as the service rolls over; a code
     * of an earlier sale is still answered by the shop that issued it. `shop` is then the first.
     */
    salePeriodMs?: number;
  }>;

export async function startShopServer(options: ShopServerOptions): Promise<ShopServer> {
  const shop = new Shop(options);
  const shops = new RollingShops(options, shop);
  const received = new Map<string, number>();
  const requestIds: string[] = [];
  const attemptIds = new Map<string, string>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? url;
    received.set(path, (received.get(path) ?? 0) + 1);
    const requestId = request.headers['x-request-id'];
    if (typeof requestId === 'string') requestIds.push(requestId);
    const answer = shops.handle(request.method ?? 'GET', url);
    const body = JSON.stringify(answer.body);
    if (path === '/checkout' && typeof requestId === 'string') {
      const attemptId = `attempt-${attemptIds.size + 1}`;
      attemptIds.set(requestId, attemptId);
      response.setHeader('x-attempt-id', attemptId);
    }
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
    request.resume();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    shop,
    shops: shops.all,
    received,
    requestIds,
    attemptIds,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The shops of a rolling sale: the current period's answers; a purchase falls back to older ones. */
class RollingShops {
  readonly all = new Map<number, Shop>();
  readonly #options: ShopServerOptions;
  readonly #first: Shop;

  constructor(options: ShopServerOptions, first: Shop) {
    this.#options = options;
    this.#first = first;
  }

  handle(method: string, url: string): ShopAnswer {
    const periodMs = this.#options.salePeriodMs;
    if (periodMs === undefined) return this.#first.handle(method, url);
    const saleId = Math.floor((this.#options.nowMs ?? Date.now)() / periodMs);
    const current = this.#shopOf(saleId, periodMs);
    const answer = current.handle(method, url);
    if (!url.startsWith('/purchase') || answer.body.error !== 'unknown_code') return answer;
    for (const [id, shop] of this.all) {
      if (id === saleId) continue;
      const older = shop.handle(method, url);
      if (older.body.error !== 'unknown_code') return older;
    }
    return answer;
  }

  #shopOf(saleId: number, periodMs: number): Shop {
    let shop = this.all.get(saleId);
    if (shop === undefined) {
      shop = new Shop({ ...this.#options, saleId, periodMs });
      this.all.set(saleId, shop);
    }
    return shop;
  }
}
