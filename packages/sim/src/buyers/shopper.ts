// What normal and heavy buyers have in common: pick an item, check it out, buy it with the code
// (retrying a purchase whose answer is uncertain with the same code), and move on to another item
// when one is gone. What a hold or a refusal at the limit leads to is each behaviour's own.

import type { Behaviour } from '@flashsale/protocol';
import type { Range } from '../config/scenario.js';
import type { IssuedCode } from './code-book.js';
import type { BuyerContext } from './context.js';
import { type Random, randomInRange } from './random.js';
import { type Answer, isUncertain, type Session, type Step } from './session.js';
import { checkoutStep, purchaseStep } from './steps.js';

export type ShopperSettings = Readonly<{
  itemsWanted: Range;
  thinkMs: Range;
  maxAttempts: number;
  purchaseRetries: number;
}>;

/** `rechecking`: the next step checks out the item just held once more (heavy buyers). */
export type ShopperState = 'shopping' | 'rechecking' | 'buying' | 'done';

export abstract class ShopperSession implements Session {
  abstract readonly behaviour: Behaviour;
  readonly userId: string;
  readonly itemsWanted: number;
  itemsBought = 0;
  protected readonly random: Random;
  protected readonly context: BuyerContext;
  protected state: ShopperState = 'shopping';
  readonly #settings: ShopperSettings;
  #itemId = -1;
  /** The sale generation the item was chosen in (see CurrentSale). */
  #generation = 0;
  #code: string | null = null;
  #checkouts = 0;
  #retries = 0;

  protected constructor(userId: string, random: Random, context: BuyerContext, settings: ShopperSettings) {
    this.userId = userId;
    this.random = random;
    this.context = context;
    this.#settings = settings;
    this.itemsWanted = randomInRange(random, settings.itemsWanted);
    context.addWanted(Math.min(this.itemsWanted, context.userLimit));
  }

  /**
   * A checkout answered with a hold on the item: the state to go on in, `buying` (or `rechecking`)
   * to keep the hold, `shopping` to walk away from it.
   */
  protected abstract afterHold(code: string, expiresAtMs: number | null, isCurrent: boolean): ShopperState;

  /** A checkout was refused at the user limit: whether the buyer gives up. */
  protected abstract stopsAtLimit(): boolean;

  get isHolding(): boolean {
    return this.state === 'buying' && this.#code !== null;
  }

  nextStep(nowMs: number): Step | null {
    if (this.state === 'rechecking') return checkoutStep(this.userId, this.#wireItemId());
    if (this.state === 'buying' && this.#code !== null)
      return purchaseStep(this.#code, this.userId, this.#wireItemId());
    if (this.state !== 'shopping' || this.#checkouts >= this.#settings.maxAttempts) return null;
    this.#itemId = this.context.picker.pick(this.random, nowMs);
    this.#generation = this.context.sale.generation;
    this.#checkouts += 1;
    return checkoutStep(this.userId, this.#wireItemId());
  }

  onAnswer(answer: Answer, nowMs: number): number {
    if (this.state === 'buying') this.#onPurchaseAnswer(answer);
    else this.#onCheckoutAnswer(answer, nowMs);
    return randomInRange(this.random, this.#settings.thinkMs);
  }

  /** The code as issued to this buyer for the item it last checked out. */
  protected issued(code: string): IssuedCode {
    return { code, userId: this.userId, itemId: this.#wireItemId() };
  }

  #onCheckoutAnswer(answer: Answer, nowMs: number): void {
    const isCurrent = this.context.sale.isCurrent(answer.saleId, this.#generation);
    if (answer.isOk && answer.code !== null) {
      if (isCurrent) this.context.heldItems.markHeld(this.#itemId, nowMs);
      const next = this.afterHold(answer.code, answer.expiresAtMs, isCurrent);
      if (next === 'shopping') return;
      this.#code = answer.code;
      this.#retries = 0;
      this.state = next;
      return;
    }
    this.state = 'shopping';
    if (answer.error === 'sold_out') {
      if (isCurrent) this.context.soldItems.markSold(this.#itemId);
    } else if (answer.error === 'item_held') {
      if (isCurrent) this.context.heldItems.markHeld(this.#itemId, nowMs);
    } else if (answer.error === 'user_limit') {
      if (this.stopsAtLimit()) this.state = 'done';
    } else if (answer.error === 'invalid_request') {
      this.state = 'done';
    }
  }

  #onPurchaseAnswer(answer: Answer): void {
    const isCurrent = this.context.sale.isCurrent(answer.saleId, this.#generation);
    if (answer.isOk) {
      this.itemsBought += 1;
      if (isCurrent) this.context.soldItems.markSold(this.#itemId);
      if (isCurrent && this.#code !== null) this.context.codes.addUsed(this.issued(this.#code));
      this.#code = null;
      this.state = this.itemsBought >= this.itemsWanted ? 'done' : 'shopping';
    } else if (isUncertain(answer) && this.#retries < this.#settings.purchaseRetries) {
      this.#retries += 1;
    } else {
      this.#code = null;
      this.state = 'shopping';
    }
  }

  /** The item's id on the wire: `#itemId` is its index in the sale. */
  #wireItemId(): number {
    return this.context.firstItemId + this.#itemId;
  }
}
