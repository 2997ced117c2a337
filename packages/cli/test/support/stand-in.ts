// A stand-in for someone else's flash-sale service, in the contest dialect: a checkout that
// holds answers 201 with the code in a text body, refusals are plain text, items count from 1,
// and there is no GET /sale. It keeps the rules of the sale, except the one fault it is told to
// plant, so the black-box checks can be seen to catch each.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StandInFault =
  /** Correct. */
  | 'none'
  /** One code per wall-clock second, whoever asks: codes shared across buyers. */
  | 'code-per-second'
  /** Ignores holds and sales at checkout, and sells whatever a code names: items sold twice. */
  | 'sell-twice'
  /** Never checks the user limit. */
  | 'no-limit'
  /** Accepts any code at purchase, issued or not. */
  | 'accept-any-code';

export type StandInOptions = {
  saleSize: number;
  userLimit: number;
  holdTtlMs: number;
  fault: StandInFault;
  /** Default 0: a free port. */
  port?: number;
};

export type StandIn = { url: string; port: number; close(): Promise<void> };

type Hold = { userId: string; itemId: number; code: string; expiresMs: number; isUsed: boolean };

const userPattern = /^[A-Za-z0-9_.:-]{1,64}$/;

class Sale {
  readonly #options: StandInOptions;
  readonly #holdsByCode = new Map<string, Hold>();
  /** The live (or bought) hold of each item. */
  readonly #holdOfItem = new Map<number, Hold>();
  readonly #sold = new Map<number, string>();

  constructor(options: StandInOptions) {
    this.#options = options;
  }

  checkout(userText: string | null, itemText: string | null, nowMs: number): [number, string] {
    const { saleSize, userLimit, fault } = this.#options;
    const itemId = Number(itemText);
    if (
      userText === null ||
      !userPattern.test(userText) ||
      !/^\d+$/.test(itemText ?? '') ||
      itemId < 1 ||
      itemId > saleSize
    ) {
      return [400, 'bad request: user_id and id (1..size) are required'];
    }
    const ignoresState = fault === 'sell-twice';
    if (!ignoresState && this.#sold.has(itemId)) return [409, 'item sold out'];
    const held = this.#holdOfItem.get(itemId);
    const isLive = held !== undefined && !held.isUsed && held.expiresMs > nowMs;
    if (isLive && held.userId === userText && !ignoresState) return [201, `code: ${held.code}`];
    if (isLive && !ignoresState) return [409, 'item is held by another buyer'];
    if (fault !== 'no-limit' && this.#ownedOrHeld(userText, nowMs) >= userLimit)
      return [403, 'user limit reached'];
    const code =
      fault === 'code-per-second' ? `sec${Math.floor(nowMs / 1000)}x` : randomBytes(12).toString('base64url');
    const hold: Hold = {
      userId: userText,
      itemId,
      code,
      expiresMs: nowMs + this.#options.holdTtlMs,
      isUsed: false,
    };
    this.#holdsByCode.set(code, hold);
    this.#holdOfItem.set(itemId, hold);
    return [201, `code: ${code}`];
  }

  purchase(code: string | null, nowMs: number): [number, string] {
    if (code === null || code === '') return [400, 'bad request: code is required'];
    const hold = this.#holdsByCode.get(code);
    if (hold === undefined)
      return this.#options.fault === 'accept-any-code' ? [200, 'purchased'] : [404, 'unknown code'];
    if (hold.isUsed) return [409, 'code already used'];
    if (hold.expiresMs <= nowMs) return [410, 'code expired'];
    hold.isUsed = true;
    this.#sold.set(hold.itemId, hold.userId);
    return [200, 'purchased'];
  }

  #ownedOrHeld(userId: string, nowMs: number): number {
    let count = 0;
    for (const hold of this.#holdOfItem.values()) {
      if (hold.userId === userId && (hold.isUsed || hold.expiresMs > nowMs)) count += 1;
    }
    return count;
  }
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const sale = new Sale(options);
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const nowMs = Date.now();
    const [status, body] =
      request.method === 'POST' && url.pathname === '/checkout'
        ? sale.checkout(url.searchParams.get('user_id'), url.searchParams.get('id'), nowMs)
        : request.method === 'POST' && url.pathname === '/purchase'
          ? sale.purchase(url.searchParams.get('code'), nowMs)
          : [404, 'not found'];
    response.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    request.resume();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
