// A normal buyer: wants a few items, favours popular ones, thinks before buying, and abandons
// some holds. When an item is gone it looks for another; it stops when satisfied, when told it is
// at its limit, or after too many tries.

import type { BuyerContext } from './context.js';
import { type Random, randomChance } from './random.js';
import { ShopperSession, type ShopperState } from './shopper.js';

export class NormalSession extends ShopperSession {
  readonly behaviour = 'normal';

  constructor(userId: string, random: Random, context: BuyerContext) {
    super(userId, random, context, context.scenario.normal);
  }

  protected afterHold(code: string, expiresAtMs: number | null, isCurrent: boolean): ShopperState {
    if (!randomChance(this.random, this.context.scenario.normal.abandonRate)) return 'buying';
    this.context.stats.holdsAbandoned += 1;
    if (isCurrent)
      this.context.codes.addAbandoned(this.issued(code), expiresAtMs ?? Number.POSITIVE_INFINITY);
    return 'shopping';
  }

  protected stopsAtLimit(): boolean {
    return true;
  }
}
