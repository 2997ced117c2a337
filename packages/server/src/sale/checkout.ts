// Checkout: admission in Redis, then the attempt row (whatever the decision) made durable before
// the answer. When the row cannot be written, a new hold is undone so Redis stays as it was.
import { type Milliseconds, saleIdAt } from '@flashsale/protocol';
import type { CheckoutDecision } from '../admission/admission.js';
import { type Refusal, refuse } from '../errors.js';
import { isConnectionFailure } from '../store/failures.js';
import { askRebuildingOnce, unavailableOrThrow } from './ask.js';
import { newCode } from './codes.js';
import type { SaleDeps } from './deps.js';

/** `attemptId`: this attempt's own id, unique even when clients repeat a request id. */
export type CheckoutInput = { userId: string; itemId: number; requestId: string; attemptId: string };

export type CheckoutOutcome =
  | { ok: true; code: string; saleId: number; itemId: number; expiresAtMs: Milliseconds }
  | Refusal;

export async function checkout(deps: SaleDeps, input: CheckoutInput): Promise<CheckoutOutcome> {
  const nowMs = deps.clock();
  const saleId = saleIdAt(nowMs, deps.config.saleDurationMs);
  const code = newCode(saleId, nowMs);
  let decision: CheckoutDecision;
  try {
    const sale = deps.sales.cached(saleId) ?? (await deps.sales.open(saleId));
    decision = await askRebuildingOnce(deps, sale, () =>
      deps.admission.checkout({ saleId, userId: input.userId, itemId: input.itemId, newCode: code, nowMs }),
    );
  } catch (error) {
    return unavailableOrThrow(error, 'the sale is unavailable right now; retry shortly');
  }

  if (decision.kind === 'rebuild') return refuse('unavailable', 'the sale is being restored; retry shortly');
  if (decision.kind === 'no_item')
    return refuse('invalid_request', `id must be below the size of sale ${saleId}`);
  const verdict = decision;

  const hold = verdict.kind === 'held' ? verdict : undefined;
  const ticket = deps.attempts.enqueue({
    attemptId: input.attemptId,
    requestId: input.requestId,
    saleId,
    userId: input.userId,
    itemId: input.itemId,
    outcome: verdict.kind === 'held' ? 'ok' : verdict.reason,
    code: hold?.code ?? null,
    expiresAtMs: hold?.expiresAtMs ?? null,
    attemptedAtMs: nowMs,
  });
  try {
    await ticket.batch;
  } catch (error) {
    if (hold?.isNew) await undoHold(deps, saleId, hold.code);
    if (isConnectionFailure(error))
      return refuse('unavailable', 'the checkout could not be recorded; retry shortly');
    throw error;
  }

  if (verdict.kind === 'refused') return refuse(verdict.reason, refusalMessages[verdict.reason]);
  if (verdict.isNew) deps.metrics.holdsPlaced.inc();
  return { ok: true, code: verdict.code, saleId, itemId: input.itemId, expiresAtMs: verdict.expiresAtMs };
}

const refusalMessages = {
  sold_out: 'this item is sold',
  item_held: 'another buyer holds this item; it returns to sale if their hold lapses',
  user_limit: 'you already own or hold as many items of this sale as one buyer may',
} as const;

async function undoHold(deps: SaleDeps, saleId: number, code: string): Promise<void> {
  try {
    await deps.admission.releaseHold(saleId, code);
    deps.metrics.compensations.inc({ kind: 'hold_released' });
  } catch (error) {
    // Redis is gone too: the hold lapses on its own after HOLD_TTL, and nobody has its code.
    deps.log.warn('compensation_failed', { saleId, kind: 'hold_released', error });
  }
}
