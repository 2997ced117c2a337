// Which item a buyer asks for: a rank drawn uniformly or Zipf-skewed (popular first, popularity
// following item id), taken among the items not known sold. An item recently heard held is
// passed over for another draw, as a shopper picks another popular item.
import zipfian from 'zipfian-integer';
import type { Popularity } from '../config/scenario.js';
import type { HeldItems } from './held-items.js';
import { type Random, randomInt, randomUnit } from './random.js';
import type { SoldItems } from './sold-items.js';

/** Draws before the buyer settles for an item it knows is held (its hold may have lapsed). */
const maxDraws = 8;
/** Zipf draws past the last unsold rank are redrawn at most this often, then the rank is uniform. */
const maxRankRedraws = 16;

export class ItemPicker {
  readonly #saleSize: number;
  readonly #soldItems: SoldItems;
  readonly #heldItems: HeldItems;
  readonly #sampleZipf: (() => number) | null;
  /** The generator the shared Zipf sampler draws from during one pick (see `#drawRank`). */
  #random: Random | null = null;

  constructor(saleSize: number, popularity: Popularity, soldItems: SoldItems, heldItems: HeldItems) {
    this.#saleSize = saleSize;
    this.#soldItems = soldItems;
    this.#heldItems = heldItems;
    // One sampler for all sessions (its set-up is not free); it reads the picking session's own
    // generator through #random, so every session stays deterministic on its own.
    this.#sampleZipf =
      popularity.kind === 'zipf'
        ? zipfian(0, saleSize - 1, popularity.exponent, () => randomUnit(this.#random as Random))
        : null;
  }

  /**
   * An item id to ask for. Once every item is known sold the buyer asks for a popular one anyway
   * (and hears sold_out), so the open loop keeps its rate after a sell-out.
   */
  pick(random: Random, nowMs: number): number {
    const unsold = this.#soldItems.unsoldCount;
    if (unsold === 0) return this.#drawRank(random, this.#saleSize);
    let itemId = 0;
    for (let draw = 0; draw < maxDraws; draw++) {
      itemId = this.#soldItems.unsoldAt(this.#drawRank(random, unsold));
      if (!this.#heldItems.isHeld(itemId, nowMs)) return itemId;
    }
    return itemId;
  }

  /** A rank in [0, count): Zipf-skewed towards 0, or uniform. */
  #drawRank(random: Random, count: number): number {
    if (this.#sampleZipf !== null) {
      this.#random = random;
      try {
        for (let redraw = 0; redraw < maxRankRedraws; redraw++) {
          const rank = this.#sampleZipf();
          if (rank < count) return rank;
        }
      } finally {
        this.#random = null;
      }
    }
    return randomInt(random, 0, count - 1);
  }
}
