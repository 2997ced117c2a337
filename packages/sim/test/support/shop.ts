// An in-memory reference shop: a test double of the service's HTTP API (SPEC section 2) with its
// rules (holds, the same code on re-checkout, the user limit, sold_out, expiry, replay), so sim
// tests can check what buyers do without Postgres or Redis. Time comes from `nowMs`.
import { randomBytes } from 'node:crypto';

export type ShopOptions = Readonly<{
  saleSize: number;
  userLimit?: number;
  holdTtlMs?: number;
  saleId?: number;
  /** The sale period: GET /sale then gives the sale's own window (saleId * periodMs ...). */
  periodMs?: number;
  nowMs?: () => number;
}>;

export type ShopAnswer = Readonly<{ status: number; body: Readonly<Record<string, unknown>> }>;

type Hold = { userId: string; itemId: number; code: string; expiresAtMs: number; purchaseId: string | null };

const userPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const itemPattern = /^\d{1,12}$/;
const codePattern = /^[A-Za-z0-9_-]{16,64}$/;

export class Shop {
  readonly saleSize: number;
  readonly userLimit: number;
  readonly #holdTtlMs: number;
  readonly #saleId: number;
  readonly #periodMs: number | null;
  readonly #nowMs: () => number;
  /** Live (or lapsed but not yet swept) hold per item. */
  readonly #holds = new Map<number, Hold>();
  /** Every code ever issued, by code. */
  readonly #codes = new Map<string, Hold>();
  readonly #soldTo = new Map<number, string>();
  readonly #owned = new Map<string, number>();
  #purchases = 0;

  constructor(options: ShopOptions) {
    this.saleSize = options.saleSize;
    this.userLimit = options.userLimit ?? 10;
    this.#holdTtlMs = options.holdTtlMs ?? 300_000;
    this.#saleId = options.saleId ?? 1;
    this.#periodMs = options.periodMs ?? null;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  get sold(): number {
    return this.#soldTo.size;
  }

  ownedBy(userId: string): number {
    return this.#owned.get(userId) ?? 0;
  }

  /** Answers a request line such as `POST /checkout?user_id=u1&id=3`. */
  handle(method: string, url: string): ShopAnswer {
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const params = new URLSearchParams(query < 0 ? '' : url.slice(query + 1));
    if (method === 'POST' && path === '/checkout')
      return this.checkout(params.get('user_id'), params.get('id'));
    if (method === 'POST' && path === '/purchase') return this.purchase(params.get('code'));
    if (method === 'GET' && path === '/sale') return this.sale();
    if (method === 'GET' && path === '/sale/items')
      return this.items(Number(params.get('offset') ?? 0), Number(params.get('limit') ?? 100));
    return fail(404, 'not_found');
  }

  checkout(userText: string | null, itemText: string | null): ShopAnswer {
    if (userText === null || !userPattern.test(userText)) return fail(400, 'invalid_request');
    if (itemText === null || !itemPattern.test(itemText) || Number(itemText) >= this.saleSize) {
      return fail(400, 'invalid_request');
    }
    const itemId = Number(itemText);
    if (this.#soldTo.has(itemId)) return fail(409, 'sold_out');
    const hold = this.#liveHold(itemId);
    if (hold !== null && hold.userId !== userText) return fail(409, 'item_held');
    if (hold !== null) return { status: 200, body: this.#holdBody(hold) };
    if (this.ownedBy(userText) + this.#liveHoldsOf(userText) >= this.userLimit)
      return fail(403, 'user_limit');
    const code = randomBytes(16).toString('base64url');
    const created: Hold = {
      userId: userText,
      itemId,
      code,
      expiresAtMs: this.#nowMs() + this.#holdTtlMs,
      purchaseId: null,
    };
    this.#holds.set(itemId, created);
    this.#codes.set(code, created);
    return { status: 200, body: this.#holdBody(created) };
  }

  purchase(codeText: string | null): ShopAnswer {
    if (codeText === null || !codePattern.test(codeText)) return fail(400, 'invalid_request');
    const hold = this.#codes.get(codeText);
    if (hold === undefined) return fail(404, 'unknown_code');
    if (hold.purchaseId !== null)
      return { status: 200, body: { ...this.#purchaseBody(hold), replayed: true } };
    if (hold.expiresAtMs <= this.#nowMs() || this.#holds.get(hold.itemId) !== hold)
      return fail(410, 'code_expired');
    this.#purchases += 1;
    hold.purchaseId = `p${this.#purchases}`;
    this.#holds.delete(hold.itemId);
    this.#soldTo.set(hold.itemId, hold.userId);
    this.#owned.set(hold.userId, this.ownedBy(hold.userId) + 1);
    return { status: 200, body: this.#purchaseBody(hold) };
  }

  sale(): ShopAnswer {
    let held = 0;
    for (const itemId of this.#holds.keys()) if (this.#liveHold(itemId) !== null) held += 1;
    return {
      status: 200,
      body: {
        sale_id: this.#saleId,
        starts_at: new Date(this.#periodMs === null ? 0 : this.#saleId * this.#periodMs).toISOString(),
        ends_at: new Date(
          this.#periodMs === null ? 3_600_000 : (this.#saleId + 1) * this.#periodMs,
        ).toISOString(),
        size: this.saleSize,
        sold: this.sold,
        held,
        available: this.saleSize - this.sold - held,
      },
    };
  }

  /** GET /sale/items: one page of items with their state. */
  items(offset: number, limit: number): ShopAnswer {
    const items = [];
    for (let itemId = offset; itemId < Math.min(offset + limit, this.saleSize); itemId++) {
      const state = this.#soldTo.has(itemId)
        ? 'sold'
        : this.#liveHold(itemId) === null
          ? 'available'
          : 'held';
      items.push({
        id: itemId,
        name: `item ${itemId}`,
        image_url: `https://example.test/${itemId}.png`,
        state,
      });
    }
    return { status: 200, body: { sale_id: this.#saleId, offset, limit, total: this.saleSize, items } };
  }

  #liveHold(itemId: number): Hold | null {
    const hold = this.#holds.get(itemId);
    if (hold === undefined) return null;
    if (hold.expiresAtMs > this.#nowMs()) return hold;
    this.#holds.delete(itemId);
    return null;
  }

  #liveHoldsOf(userId: string): number {
    let count = 0;
    for (const [itemId, hold] of this.#holds)
      if (hold.userId === userId && this.#liveHold(itemId) !== null) count += 1;
    return count;
  }

  #holdBody(hold: Hold): Record<string, unknown> {
    return {
      code: hold.code,
      sale_id: this.#saleId,
      item_id: hold.itemId,
      expires_at: new Date(hold.expiresAtMs).toISOString(),
    };
  }

  #purchaseBody(hold: Hold): Record<string, unknown> {
    return {
      purchase_id: hold.purchaseId,
      sale_id: this.#saleId,
      item_id: hold.itemId,
      user_id: hold.userId,
    };
  }
}

function fail(status: number, error: string): ShopAnswer {
  return { status, body: { error, message: error.replace('_', ' ') } };
}
