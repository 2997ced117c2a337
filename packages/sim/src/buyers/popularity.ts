// Which item a buyer asks for: uniform, or Zipf-skewed towards popular items (low ids), never one
// this process already knows is sold.
import zipfian from 'zipfian-integer';
import type { Popularity } from '../config/scenario.js';
import { type Random, randomInt, randomUnit } from './random.js';
import type { SoldItems } from './sold-items.js';

export class ItemPicker {
  readonly #saleSize: number;
  readonly #soldItems: SoldItems;
  readonly #sampleZipf: (() => number) | null;
  /** The generator the shared Zipf sampler draws from during one pick (see `pick`). */
  #random: Random | null = null;

  constructor(saleSize: number, popularity: Popularity, soldItems: SoldItems) {
    this.#saleSize = saleSize;
    this.#soldItems = soldItems;
    // One sampler for all sessions (its set-up is not free); it reads the picking session's own
    // generator through #random, so every session stays deterministic on its own.
    this.#sampleZipf =
      popularity.kind === 'zipf'
        ? zipfian(0, saleSize - 1, popularity.exponent, () => randomUnit(this.#random as Random))
        : null;
  }

  /**
   * An item id to ask for. When every item is known sold the buyer asks for its first choice
   * anyway (and hears sold_out), so the open loop keeps its rate after a sell-out.
   */
  pick(random: Random): number {
    let itemId: number;
    if (this.#sampleZipf === null) {
      itemId = randomInt(random, 0, this.#saleSize - 1);
    } else {
      this.#random = random;
      itemId = this.#sampleZipf();
      this.#random = null;
    }
    const unsold = this.#soldItems.nextUnsold(itemId);
    return unsold < 0 ? itemId : unsold;
  }
}
