// Items this process has seen sold (a sold_out answer, or one of its own purchases), so buyers
// looking for another item skip them, as a shopper skips greyed-out items. Without it, a Zipf
// crowd keeps asking for the same few sold items and the tail of the sale never sells.

/**
 * `next` is a union-find "next free slot" array: next[i] === i while item i is not known sold;
 * otherwise it points towards a later item. Path compression keeps finding the next unsold item
 * near constant time even when almost every item is sold. next[size] is a sentinel.
 */
export class SoldItems {
  readonly saleSize: number;
  readonly #next: Int32Array;
  #soldCount = 0;

  constructor(saleSize: number) {
    this.saleSize = saleSize;
    this.#next = new Int32Array(saleSize + 1);
    for (let i = 0; i <= saleSize; i++) this.#next[i] = i;
  }

  get soldCount(): number {
    return this.#soldCount;
  }

  markSold(itemId: number): void {
    if (itemId < 0 || itemId >= this.saleSize || this.#next[itemId] !== itemId) return;
    this.#next[itemId] = itemId + 1;
    this.#soldCount += 1;
  }

  /** `itemId` when it is not known sold, else the next such item (wrapping round), or -1 if none. */
  nextUnsold(itemId: number): number {
    const found = this.#find(itemId);
    if (found < this.saleSize) return found;
    const wrapped = this.#find(0);
    return wrapped < this.saleSize ? wrapped : -1;
  }

  #find(itemId: number): number {
    const next = this.#next;
    let root = itemId;
    while (next[root] !== root) root = next[root] ?? this.saleSize;
    let at = itemId;
    while (at !== root) {
      const after = next[at] ?? root;
      next[at] = root;
      at = after;
    }
    return root;
  }
}
