// Serves a Shop over node:http on port 0, counting what it received, for sim tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Shop, type ShopOptions } from './shop.js';

export type ShopServer = Readonly<{
  url: string;
  shop: Shop;
  /** Requests received per path (`/checkout`, `/purchase`, `/sale`, ...). */
  received: Map<string, number>;
  /** Every x-request-id seen on a load request. */
  requestIds: string[];
  /** The x-attempt-id each checkout was answered with, by x-request-id (purchases get none). */
  attemptIds: Map<string, string>;
  close(): Promise<void>;
}>;

export async function startShopServer(options: ShopOptions): Promise<ShopServer> {
  const shop = new Shop(options);
  const received = new Map<string, number>();
  const requestIds: string[] = [];
  const attemptIds = new Map<string, string>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? url;
    received.set(path, (received.get(path) ?? 0) + 1);
    const requestId = request.headers['x-request-id'];
    if (typeof requestId === 'string') requestIds.push(requestId);
    const answer = shop.handle(request.method ?? 'GET', url);
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
