// Sessions waiting for their next step, ordered by when they are ready (after think time): a
// binary min-heap over two parallel arrays, so a push allocates no entry object.
//
//   readyAtMs: [ 3, 5, 4, 9, 7 ]      children of i sit at 2i+1 and 2i+2
//   items:     [ a, b, c, d, e ]      items[i] is ready at readyAtMs[i]

export class ReadyQueue<T> {
  readonly #readyAtMs: number[] = [];
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(readyAtMs: number, item: T): void {
    let at = this.#items.length;
    this.#readyAtMs.push(readyAtMs);
    this.#items.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if ((this.#readyAtMs[parent] as number) <= readyAtMs) break;
      this.#move(parent, at);
      at = parent;
    }
    this.#readyAtMs[at] = readyAtMs;
    this.#items[at] = item;
  }

  /** When the earliest item is ready; undefined when the queue is empty. */
  get earliestMs(): number | undefined {
    return this.#readyAtMs[0];
  }

  /** The earliest item if it is ready at `nowMs`, removed from the queue; else undefined. */
  popReady(nowMs: number): T | undefined {
    if (this.#items.length === 0 || (this.#readyAtMs[0] as number) > nowMs) return undefined;
    const top = this.#items[0];
    const lastReadyAtMs = this.#readyAtMs.pop() as number;
    const lastItem = this.#items.pop() as T;
    const size = this.#items.length;
    if (size > 0) {
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        if (child + 1 < size && (this.#readyAtMs[child + 1] as number) < (this.#readyAtMs[child] as number))
          child += 1;
        if ((this.#readyAtMs[child] as number) >= lastReadyAtMs) break;
        this.#move(child, at);
        at = child;
      }
      this.#readyAtMs[at] = lastReadyAtMs;
      this.#items[at] = lastItem;
    }
    return top;
  }

  /** Empties the queue, returning every item in no particular order. */
  takeAll(): T[] {
    this.#readyAtMs.length = 0;
    return this.#items.splice(0);
  }

  #move(from: number, to: number): void {
    this.#readyAtMs[to] = this.#readyAtMs[from] as number;
    this.#items[to] = this.#items[from] as T;
  }
}
