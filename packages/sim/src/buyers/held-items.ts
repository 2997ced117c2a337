// Items this process knows are held: heard 409 item_held, or held by one of its own buyers.
// Buyers pass them over for a while instead of asking again and again: a hold lasts until it is
// bought (then the item is sold) or lapses (HOLD_TTL, minutes by default), so a popular abandoned
// hold would otherwise soak up a large share of a Zipf crowd's checkouts.

/** How long an item heard held is skipped before buyers ask for it again. */
export const heldItemSkipMs = 5000;

export class HeldItems {
  /** Per item, until when (epoch ms) to skip it; 0: not known held. */
  readonly #skipUntilMs: Float64Array;

  constructor(saleSize: number) {
    this.#skipUntilMs = new Float64Array(saleSize);
    // A new array's pages are mapped on first write: written now, before the schedule starts,
    // a million-item sale's 8 MB do not fault in one page at a time during the run.
    this.#skipUntilMs.fill(0);
  }

  markHeld(itemId: number, nowMs: number): void {
    if (itemId >= 0 && itemId < this.#skipUntilMs.length) this.#skipUntilMs[itemId] = nowMs + heldItemSkipMs;
  }

  /** Forgets every hold heard of (a new sale opened). */
  reset(): void {
    this.#skipUntilMs.fill(0);
  }

  isHeld(itemId: number, nowMs: number): boolean {
    return (this.#skipUntilMs[itemId] ?? 0) > nowMs;
  }
}
