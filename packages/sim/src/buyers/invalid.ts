// An invalid buyer: sends requests the service must reject, picked from the table below, and
// checks nothing. Replaying an already-used code is the one kind the SPEC answers with 200
// (`replayed: true`): it must return the original purchase, never buy anything new.
import type { IssuedCode } from './code-book.js';
import type { BuyerContext } from './context.js';
import { type Random, randomInRange, randomInt } from './random.js';
import type { Answer, Session, Step } from './session.js';
import { rawCheckoutStep, rawPurchaseStep } from './steps.js';

type InvalidRequest = (random: Random, context: BuyerContext, userId: string, nowMs: number) => Step;

const codeAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const malformedCodes = ['', 'a', '!!!', 'not a code', '%00', 'x'.repeat(300), '../../etc/passwd'];
const nonNumericItems = ['abc', '1.5', '1e3', '0x1f', '', ' ', 'NaN', '-', '12abc'];
const badUserIds = ['bad user', 'ü-ser', '<script>', 'semi;colon', 'quote"d', ''];

const invalidRequests: Readonly<Record<string, InvalidRequest>> = {
  purchase_random_code: (random) => rawPurchaseStep(randomCode(random)),
  purchase_malformed_code: (random) => rawPurchaseStep(pick(random, malformedCodes)),
  purchase_missing_code: () => rawPurchaseStep(null),
  purchase_expired_code: (random, context, _userId, nowMs) =>
    replayOf(random, context.codes.takeExpired(nowMs)),
  purchase_used_code: (random, context) =>
    replayOf(random, context.codes.usedCode(randomInt(random, 0, 1 << 30))),
  checkout_missing_user: (random, context) => rawCheckoutStep(null, String(randomItem(random, context))),
  checkout_missing_item: (_random, _context, userId) => rawCheckoutStep(userId, null),
  checkout_missing_both: () => rawCheckoutStep(null, null),
  checkout_item_out_of_range: (random, context, userId) =>
    rawCheckoutStep(
      userId,
      String(
        pick(random, [context.firstItemId + context.saleSize, context.firstItemId - 1, 2 ** 31, 10 ** 15]),
      ),
    ),
  checkout_item_not_numeric: (random, _context, userId) =>
    rawCheckoutStep(userId, pick(random, nonNumericItems)),
  checkout_user_oversized: (random, context) =>
    rawCheckoutStep('u'.repeat(randomInt(random, 65, 2000)), String(randomItem(random, context))),
  checkout_user_bad_characters: (random, context) =>
    rawCheckoutStep(pick(random, badUserIds), String(randomItem(random, context))),
};

const kinds = Object.keys(invalidRequests);

export class InvalidSession implements Session {
  readonly isHolding = false;
  readonly behaviour = 'invalid';
  readonly userId: string;
  readonly itemsWanted = 0;
  readonly itemsBought = 0;
  readonly #random: Random;
  readonly #context: BuyerContext;
  readonly #requests: number;
  #sent = 0;

  constructor(userId: string, random: Random, context: BuyerContext) {
    this.userId = userId;
    this.#random = random;
    this.#context = context;
    this.#requests = randomInRange(random, context.scenario.invalid.requests);
  }

  nextStep(nowMs: number): Step | null {
    if (this.#sent >= this.#requests) return null;
    this.#sent += 1;
    const kind = kinds[randomInt(this.#random, 0, kinds.length - 1)] ?? 'purchase_missing_code';
    const build = invalidRequests[kind] as InvalidRequest;
    return build(this.#random, this.#context, this.userId, nowMs);
  }

  onAnswer(_answer: Answer): number {
    return randomInRange(this.#random, this.#context.scenario.invalid.thinkMs);
  }
}

/** 22 URL-safe characters: shaped like a real code (128 bits), known to no one. */
function randomCode(random: Random): string {
  let code = '';
  for (let i = 0; i < 22; i++) code += codeAlphabet[randomInt(random, 0, codeAlphabet.length - 1)];
  return code;
}

function randomItem(random: Random, context: BuyerContext): number {
  return context.firstItemId + randomInt(random, 0, context.saleSize - 1);
}

/** A purchase replaying a code another buyer was issued, or a random one when there is none yet. */
function replayOf(random: Random, issued: IssuedCode | null): Step {
  return issued === null ? rawPurchaseStep(randomCode(random)) : rawPurchaseStep(issued.code, issued);
}

function pick<T>(random: Random, values: readonly T[]): T {
  return values[randomInt(random, 0, values.length - 1)] as T;
}
