// A heavy buyer (a reseller's script): wants more items than the limit allows, never thinks,
// sometimes checks out an item it already holds (expecting the same code), and keeps trying past
// user_limit a few times before it gives up.

import type { BuyerContext } from './context.js';
import { type Random, randomChance } from './random.js';
import { ShopperSession, type ShopperState } from './shopper.js';

export class HeavySession extends ShopperSession {
  readonly behaviour = 'heavy';
  #limitHits = 0;

  constructor(userId: string, random: Random, context: BuyerContext) {
    super(userId, random, context, context.scenario.heavy);
  }

  protected afterHold(): ShopperState {
    const isRecheck = this.state === 'rechecking';
    return !isRecheck && randomChance(this.random, this.context.scenario.heavy.recheckoutRate)
      ? 'rechecking'
      : 'buying';
  }

  protected stopsAtLimit(): boolean {
    this.#limitHits += 1;
    return this.#limitHits > this.context.scenario.heavy.limitRetries;
  }
}
