// Codes other buyers gave up or used, for invalid buyers to replay: abandoned holds become
// "expired codes" once their hold has lapsed, purchased codes are "already used codes". Each
// keeps whom and what it was issued for, so a replay is attributed in the ledger like any purchase.
// Abandoned codes wait in a heap by expiry: an invalid buyer's turn takes the soonest-expired one
// without scanning the thousands kept.
import { ReadyQueue } from '../schedule/ready-queue.js';

const capacity = 4096;
/** Slack on top of expires_at before a code counts as surely expired (clock skew, rounding). */
const expiryMarginMs = 1000;

/** A code a checkout returned, to this buyer, for this item (as sent on the wire). */
export type IssuedCode = Readonly<{ code: string; userId: string; itemId: number }>;

export class CodeBook {
  /** Keyed by when each code surely expired: its expires_at plus the margin. */
  readonly #abandoned = new ReadyQueue<IssuedCode>();
  readonly #used: IssuedCode[] = [];
  #usedNext = 0;

  /** Forgets every code (a new sale opened: the old sale's codes say nothing about it). */
  reset(): void {
    this.#abandoned.takeAll();
    this.#used.length = 0;
    this.#usedNext = 0;
  }

  addAbandoned(issued: IssuedCode, expiresAtMs: number): void {
    if (this.#abandoned.size < capacity) this.#abandoned.push(expiresAtMs + expiryMarginMs, issued);
  }

  addUsed(issued: IssuedCode): void {
    if (this.#used.length < capacity) this.#used.push(issued);
    else this.#used[this.#usedNext++ % capacity] = issued;
  }

  /** An abandoned code whose hold has surely lapsed, or null; the soonest to have lapsed goes first. */
  takeExpired(nowMs: number): IssuedCode | null {
    // Lapsed once `nowMs` is past expiry plus the margin (strictly).
    const earliestMs = this.#abandoned.earliestMs;
    return earliestMs !== undefined && earliestMs < nowMs ? (this.#abandoned.popReady(nowMs) ?? null) : null;
  }

  /** A code that already bought an item (pick by `index`, any integer), or null. */
  usedCode(index: number): IssuedCode | null {
    return this.#used.length === 0 ? null : (this.#used[index % this.#used.length] ?? null);
  }
}
