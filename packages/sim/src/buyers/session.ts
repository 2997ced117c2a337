// What a buyer session is to the scheduler: a source of dependent requests that reacts to answers.
import type { Behaviour, Endpoint } from '@flashsale/protocol';

/**
 * One request a buyer wants sent. `userId` and `itemId` are what goes on the wire: null when the
 * parameter is deliberately left out or (for the item) is not an integer. `code` is the code sent;
 * for a purchase, `issuedUserId` and `issuedItemId` say whom and what the code book knows it was
 * issued for (null: no checkout of this process returned it).
 */
export type Step = Readonly<{
  endpoint: Endpoint;
  /** Path and query, ready to send. */
  path: string;
  userId: string | null;
  itemId: number | null;
  code: string | null;
  issuedUserId: string | null;
  issuedItemId: number | null;
}>;

/** An answer as a buyer needs it. */
export type Answer = Readonly<{
  /** HTTP status, or null when no answer came (timeout, connection lost). */
  status: number | null;
  /** A success in the target's dialect (our service: 200). */
  isOk: boolean;
  /** Our outcome code of a refusal (as the profile maps it), else the JSON `error` code, `timeout` / `connection` when no answer came, else null. */
  error: string | null;
  /** The code a checkout answered with. */
  code: string | null;
  /** When the hold behind `code` lapses, epoch ms. */
  expiresAtMs: number | null;
  purchaseId: string | null;
  isReplayed: boolean;
  /** The sale the answer names (checkouts and purchases answered 200); null when it names none. */
  saleId: number | null;
}>;

export interface Session {
  readonly behaviour: Behaviour;
  /** The buyer's own (valid) user id. */
  readonly userId: string;
  /** Items the buyer set out to buy (0 for invalid buyers). */
  readonly itemsWanted: number;
  readonly itemsBought: number;
  /**
   * True when the next step buys an item the buyer holds. The scheduler sends those first: a hold
   * lapses, and at the tail of a sale the buyers still looking would otherwise starve them.
   */
  readonly isHolding: boolean;
  /** The next request, or null when the session is over. `nowMs` is epoch ms. */
  nextStep(nowMs: number): Step | null;
  /** Takes the answer to the last step; returns the think time before the next step, in ms. */
  onAnswer(answer: Answer, nowMs: number): number;
}

/** True when the request may have taken effect but the buyer cannot know (5xx, no answer). */
export function isUncertain(answer: Answer): boolean {
  return answer.status === null || answer.status >= 500;
}
