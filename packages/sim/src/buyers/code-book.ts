// Codes other buyers gave up or used, for invalid buyers to replay: abandoned holds become
// "expired codes" once their hold has lapsed, purchased codes are "already used codes". Each
// keeps whom and what it was issued for, so a replay is attributed in the ledger like any purchase.

const capacity = 4096;
/** Slack on top of expires_at before a code counts as surely expired (clock skew, rounding). */
const expiryMarginMs = 1000;

/** A code a checkout returned, to this buyer, for this item (as sent on the wire). */
export type IssuedCode = Readonly<{ code: string; userId: string; itemId: number }>;

type AbandonedCode = IssuedCode & Readonly<{ expiresAtMs: number }>;

export class CodeBook {
  readonly #abandoned: AbandonedCode[] = [];
  readonly #used: IssuedCode[] = [];
  #usedNext = 0;

  /** Forgets every code (a new sale opened: the old sale's codes say nothing about it). */
  reset(): void {
    this.#abandoned.length = 0;
    this.#used.length = 0;
    this.#usedNext = 0;
  }

  addAbandoned(issued: IssuedCode, expiresAtMs: number): void {
    if (this.#abandoned.length < capacity) this.#abandoned.push({ ...issued, expiresAtMs });
  }

  addUsed(issued: IssuedCode): void {
    if (this.#used.length < capacity) this.#used.push(issued);
    else this.#used[this.#usedNext++ % capacity] = issued;
  }

  /** An abandoned code whose hold has surely lapsed, or null. Holds share one TTL, so the oldest goes first. */
  takeExpired(nowMs: number): IssuedCode | null {
    let oldest = 0;
    for (let i = 1; i < this.#abandoned.length; i++) {
      if ((this.#abandoned[i]?.expiresAtMs ?? 0) < (this.#abandoned[oldest]?.expiresAtMs ?? 0)) oldest = i;
    }
    const candidate = this.#abandoned[oldest];
    if (candidate === undefined || candidate.expiresAtMs + expiryMarginMs >= nowMs) return null;
    this.#abandoned.splice(oldest, 1);
    return candidate;
  }

  /** A code that already bought an item (pick by `index`, any integer), or null. */
  usedCode(index: number): IssuedCode | null {
    return this.#used.length === 0 ? null : (this.#used[index % this.#used.length] ?? null);
  }
}
