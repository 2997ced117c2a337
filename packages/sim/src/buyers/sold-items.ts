// Items this process has seen sold (a sold_out answer, or one of its own purchases). Buyers pick
// by popularity rank among the items not known sold, as a shopper looks down a list with the sold
// ones greyed out: without it a Zipf crowd keeps asking for the same few sold items, and with a
// plain "next one along" it piles up on the first unsold item.

/**
 * A Fenwick tree over "not known sold" flags (1-based: tree[i] sums the flags of items
 * (i - lowbit(i), i]), so marking an item sold and finding the unsold item of a given rank both
 * take O(log size).
 */
export class SoldItems {
  readonly saleSize: number;
  readonly #tree: Int32Array;
  readonly #isSold: Uint8Array;
  readonly #highestStep: number;
  #unsoldCount: number;

  constructor(saleSize: number) {
    this.saleSize = saleSize;
    this.#tree = new Int32Array(saleSize + 1);
    this.#isSold = new Uint8Array(saleSize);
    this.#unsoldCount = saleSize;
    this.reset();
    let step = 1;
    while (step * 2 <= saleSize) step *= 2;
    this.#highestStep = step;
  }

  /** Forgets every item seen sold (a new sale opened). */
  reset(): void {
    // Every flag starts at 1, so each node sums exactly lowbit(i) items.
    for (let i = 1; i <= this.saleSize; i++) this.#tree[i] = i & -i;
    this.#isSold.fill(0);
    this.#unsoldCount = this.saleSize;
  }

  get unsoldCount(): number {
    return this.#unsoldCount;
  }

  isSold(itemId: number): boolean {
    return this.#isSold[itemId] === 1;
  }

  markSold(itemId: number): void {
    if (itemId < 0 || itemId >= this.saleSize || this.#isSold[itemId] === 1) return;
    this.#isSold[itemId] = 1;
    this.#unsoldCount -= 1;
    for (let i = itemId + 1; i <= this.saleSize; i += i & -i) this.#tree[i] = (this.#tree[i] ?? 0) - 1;
  }

  /** The item not known sold with this rank (0-based, in id order); requires rank < unsoldCount. */
  unsoldAt(rank: number): number {
    let position = 0;
    let remaining = rank + 1;
    for (let step = this.#highestStep; step > 0; step >>= 1) {
      const next = position + step;
      const count = this.#tree[next] ?? 0;
      if (next <= this.saleSize && count < remaining) {
        position = next;
        remaining -= count;
      }
    }
    return position;
  }
}
