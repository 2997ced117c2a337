// Codes other buyers gave up or used, for invalid buyers to replay: abandoned holds become
// "expired codes" once their hold has lapsed, purchased codes are "already used codes".

const capacity = 4096;
/** Slack on top of expires_at before a code counts as surely expired (clock skew, rounding). */
const expiryMarginMs = 1000;

type AbandonedCode = Readonly<{ code: string; expiresAtMs: number }>;

export class CodeBook {
  readonly #abandoned: AbandonedCode[] = [];
  readonly #used: string[] = [];
  #usedNext = 0;

  /** Forgets every code (a new sale opened: the old sale's codes say nothing about it). */
  reset(): void {
    this.#abandoned.length = 0;
    this.#used.length = 0;
    this.#usedNext = 0;
  }

  addAbandoned(code: string, expiresAtMs: number): void {
    if (this.#abandoned.length < capacity) this.#abandoned.push({ code, expiresAtMs });
  }

  addUsed(code: string): void {
    if (this.#used.length < capacity) this.#used.push(code);
    else this.#used[this.#usedNext++ % capacity] = code;
  }

  /** An abandoned code whose hold has surely lapsed, or null. Holds share one TTL, so the oldest goes first. */
  takeExpired(nowMs: number): string | null {
    let oldest = 0;
    for (let i = 1; i < this.#abandoned.length; i++) {
      if ((this.#abandoned[i]?.expiresAtMs ?? 0) < (this.#abandoned[oldest]?.expiresAtMs ?? 0)) oldest = i;
    }
    const candidate = this.#abandoned[oldest];
    if (candidate === undefined || candidate.expiresAtMs + expiryMarginMs >= nowMs) return null;
    this.#abandoned.splice(oldest, 1);
    return candidate.code;
  }

  /** A code that already bought an item (pick by `index`, any integer), or null. */
  usedCode(index: number): string | null {
    return this.#used.length === 0 ? null : (this.#used[index % this.#used.length] ?? null);
  }
}
