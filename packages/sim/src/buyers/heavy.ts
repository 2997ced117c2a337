// A heavy buyer (a reseller's script): wants more items than the limit allows, never thinks,
// sometimes checks out an item it already holds (expecting the same code), and keeps trying past
// user_limit a few times before it gives up.

import type { IssuedCode } from './code-book.js';
import type { BuyerContext } from './context.js';
import { type Random, randomChance, randomInRange } from './random.js';
import { type Answer, isUncertain, type Session, type Step } from './session.js';
import { checkoutStep, purchaseStep } from './steps.js';

export class HeavySession implements Session {
  readonly behaviour = 'heavy';
  readonly userId: string;
  readonly itemsWanted: number;
  itemsBought = 0;
  readonly #random: Random;
  readonly #context: BuyerContext;
  #state: 'shopping' | 'rechecking' | 'buying' | 'done' = 'shopping';
  #itemId = -1;
  /** The sale generation the item was chosen in (see CurrentSale). */
  #generation = 0;
  #code: string | null = null;
  #checkouts = 0;
  #limitHits = 0;
  #retries = 0;

  constructor(userId: string, random: Random, context: BuyerContext) {
    this.userId = userId;
    this.#random = random;
    this.#context = context;
    this.itemsWanted = randomInRange(random, context.scenario.heavy.itemsWanted);
    context.addWanted(Math.min(this.itemsWanted, context.userLimit));
  }

  get isHolding(): boolean {
    return this.#state === 'buying' && this.#code !== null;
  }

  nextStep(nowMs: number): Step | null {
    if (this.#state === 'rechecking') return checkoutStep(this.userId, this.#wireItemId());
    if (this.#state === 'buying' && this.#code !== null)
      return purchaseStep(this.#code, this.userId, this.#wireItemId());
    if (this.#state !== 'shopping' || this.#checkouts >= this.#context.scenario.heavy.maxAttempts)
      return null;
    this.#itemId = this.#context.picker.pick(this.#random, nowMs);
    this.#generation = this.#context.sale.generation;
    this.#checkouts += 1;
    return checkoutStep(this.userId, this.#wireItemId());
  }

  onAnswer(answer: Answer, nowMs: number): number {
    if (this.#state === 'buying') this.#onPurchaseAnswer(answer);
    else this.#onCheckoutAnswer(answer, nowMs);
    return randomInRange(this.#random, this.#context.scenario.heavy.thinkMs);
  }

  #onCheckoutAnswer(answer: Answer, nowMs: number): void {
    const isCurrent = this.#context.sale.isCurrent(answer.saleId, this.#generation);
    const heavy = this.#context.scenario.heavy;
    if (answer.isOk && answer.code !== null) {
      if (isCurrent) this.#context.heldItems.markHeld(this.#itemId, nowMs);
      this.#code = answer.code;
      this.#retries = 0;
      const isRecheck = this.#state === 'rechecking';
      this.#state = !isRecheck && randomChance(this.#random, heavy.recheckoutRate) ? 'rechecking' : 'buying';
      return;
    }
    this.#state = 'shopping';
    if (answer.error === 'sold_out') {
      if (isCurrent) this.#context.soldItems.markSold(this.#itemId);
    } else if (answer.error === 'item_held') {
      if (isCurrent) this.#context.heldItems.markHeld(this.#itemId, nowMs);
    } else if (answer.error === 'user_limit') {
      this.#limitHits += 1;
      if (this.#limitHits > heavy.limitRetries) this.#state = 'done';
    } else if (answer.error === 'invalid_request') {
      this.#state = 'done';
    }
  }

  /** The item's id on the wire: `#itemId` is its index in the sale. */
  #wireItemId(): number {
    return this.#context.firstItemId + this.#itemId;
  }

  #issued(code: string): IssuedCode {
    return { code, userId: this.userId, itemId: this.#wireItemId() };
  }

  #onPurchaseAnswer(answer: Answer): void {
    const isCurrent = this.#context.sale.isCurrent(answer.saleId, this.#generation);
    if (answer.isOk) {
      this.itemsBought += 1;
      if (isCurrent) this.#context.soldItems.markSold(this.#itemId);
      if (isCurrent && this.#code !== null) this.#context.codes.addUsed(this.#issued(this.#code));
      this.#code = null;
      this.#state = this.itemsBought >= this.itemsWanted ? 'done' : 'shopping';
    } else if (isUncertain(answer) && this.#retries < this.#context.scenario.heavy.purchaseRetries) {
      this.#retries += 1;
    } else {
      this.#code = null;
      this.#state = 'shopping';
    }
  }
}
