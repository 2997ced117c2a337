// Purchase: the code is consumed atomically in Redis, then the purchase is made durable in
// Postgres before the 200. If Postgres refuses or fails, the admission is undone in Redis; if the
// process dies in between, the reconciler finishes the job from the `pending` set.

import type { Milliseconds } from '@flashsale/protocol';
import type { PurchaseDecision } from '../admission/admission.js';
import { type Refusal, refuse } from '../errors.js';
import { isConnectionFailure } from '../store/failures.js';
import type { PurchaseWrite, StoredPurchase } from '../store/sale-store.js';
import { askRebuildingOnce, unavailableOrThrow } from './ask.js';
import { purchaseIdFor } from './codes.js';
import type { SaleDeps } from './deps.js';

export type PurchaseInput = { code: string; saleId: number; requestId: string };

export type PurchaseOutcome =
  | {
      ok: true;
      purchaseId: string;
      saleId: number;
      itemId: number;
      userId: string;
      isReplay: boolean;
      purchasedAtMs: Milliseconds;
    }
  | Refusal;

/**
 * `slotRetries`: how often this request bought again because Postgres had the slot Redis gave
 * taken by a purchase a rebuild missed.
 */
export async function purchase(
  deps: SaleDeps,
  input: PurchaseInput,
  slotRetries = 0,
): Promise<PurchaseOutcome> {
  const { saleId, code } = input;
  const nowMs = deps.clock();
  const purchaseId = purchaseIdFor(code);
  let decision: PurchaseDecision;
  try {
    const sale = deps.sales.cached(saleId) ?? (await deps.sales.find(saleId));
    if (sale === undefined) return refuse('unknown_code', 'no checkout issued this code');
    decision = await askRebuildingOnce(deps, sale, () =>
      deps.admission.purchase({ saleId, code, purchaseId, requestId: input.requestId, nowMs }),
    );
  } catch (error) {
    return unavailableOrThrow(error, 'purchases are unavailable right now; retry with the same code');
  }

  if (decision.kind === 'rebuild')
    return refuse('unavailable', 'the sale is being restored; retry with the same code');
  if (decision.kind === 'refused') return refuse(decision.reason, refusalMessages[decision.reason]);

  const answer = {
    ok: true,
    purchaseId: decision.purchaseId,
    saleId,
    itemId: decision.itemId,
    userId: decision.userId,
    isReplay: decision.isReplay,
    purchasedAtMs: decision.isPending ? decision.admittedAtMs : nowMs,
  } as const;
  // A replay of a purchase Postgres already has is answered at once; anything still pending
  // goes through the (idempotent) write, so no 200 leaves before the row is durable.
  if (!decision.isPending) return answer;

  let written: PurchaseWrite;
  try {
    const ticket = deps.purchases.enqueue({
      purchaseId: decision.purchaseId,
      saleId,
      itemId: decision.itemId,
      userId: decision.userId,
      slot: decision.slot,
      code,
      requestId: input.requestId,
      holdExpiresAtMs: decision.holdExpiresAtMs,
      // A retry of a purchase still pending writes the time it was admitted, not its own.
      purchasedAtMs: decision.admittedAtMs,
    });
    written = (await ticket.batch)[ticket.index]!;
  } catch (error) {
    // The original request undoes its own admission; a replay leaves that to it.
    if (!decision.isReplay) await undoPurchase(deps, saleId, code, nowMs, 'write_failed');
    if (isConnectionFailure(error))
      return refuse('unavailable', 'the purchase could not be recorded; retry with the same code');
    throw error;
  }

  if (written.status === 'refused') {
    // Postgres, the last line of defence, disagrees with Redis: Postgres wins.
    const isUndone = await undoPurchase(
      deps,
      saleId,
      code,
      nowMs,
      'refused_by_postgres',
      written.isSlotTaken,
    );
    deps.log.warn('purchase_refused_by_postgres', {
      saleId,
      code: '<redacted>',
      reason: written.reason,
      requestId: input.requestId,
    });
    // Only the slot was taken, by a purchase of this buyer that a rebuild missed (it stays owned in
    // Redis now): the buyer may well have slots left, so buy again in the next free one. Each
    // retry owns one more slot, so a buyer truly at the limit is refused by Redis soon enough.
    if (written.reason === 'slot_taken' && written.isSlotTaken && isUndone && !decision.isReplay)
      if (slotRetries < deps.config.userLimit) return purchase(deps, input, slotRetries + 1);
    return written.reason === 'item_sold'
      ? refuse('sold_out', 'this item is sold')
      : refuse('user_limit', 'you already own as many items of this sale as one buyer may');
  }
  if (written.status === 'stored') deps.metrics.itemsSold.inc();
  if (written.status === 'exists' && !decision.isReplay) {
    // Redis admitted anew a code Postgres had already sold (adopt-purchase.lua tells how): Redis
    // takes Postgres' row, and the client gets that purchase back, as the replay it is. (The same
    // row in the same slot and moment is this request's own, rolled forward by the reconciler.)
    const { stored } = written;
    await adoptPurchase(deps, saleId, written.stored, written.isSlotTaken);
    const isOwn = stored.slot === decision.slot && stored.purchasedAtMs === decision.admittedAtMs;
    if (!isOwn) return { ...answer, isReplay: true, purchasedAtMs: stored.purchasedAtMs };
  }
  return answer;
}

async function adoptPurchase(
  deps: SaleDeps,
  saleId: number,
  stored: StoredPurchase,
  isSlotTaken: boolean,
): Promise<void> {
  try {
    if (await deps.admission.adoptPurchase(saleId, stored, isSlotTaken))
      deps.metrics.compensations.inc({ kind: 'purchase_adopted_from_postgres' });
  } catch (error) {
    // Redis is gone: the purchase stays pending, and the reconciler settles it from Postgres.
    deps.log.warn('compensation_failed', { saleId, kind: 'purchase_adopted_from_postgres', error });
  }
}

const refusalMessages = {
  unknown_code: 'no checkout issued this code',
  code_expired: 'the hold of this code has lapsed; check out the item again',
  user_limit: 'you already own as many items of this sale as one buyer may',
} as const;

async function undoPurchase(
  deps: SaleDeps,
  saleId: number,
  code: string,
  nowMs: Milliseconds,
  kind: 'write_failed' | 'refused_by_postgres',
  isSlotTaken = false,
): Promise<boolean> {
  try {
    const isUndone = await deps.admission.undoPurchase(saleId, code, nowMs, isSlotTaken);
    deps.metrics.compensations.inc({ kind: `purchase_undone_${kind}` });
    return isUndone;
  } catch (error) {
    // Redis is gone too: the purchase stays pending and the reconciler settles it from Postgres.
    deps.log.warn('compensation_failed', { saleId, kind: `purchase_undone_${kind}`, error });
    return false;
  }
}
