// After the load, a run waits for the sale to come to rest before verifying: every purchase
// admitted in Redis settled in Postgres (the reconciler rolls forward what a dead process left),
// and every hold lapsed or bought (GET /sale releases lapsed holds, reconciler or not).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from '@flashsale/server';
import { PENDING_GRACE_MS, type ServerConfig, saleKeys } from '@flashsale/server';
import { type SaleCounts, waitForHoldsToLapse } from './holds.js';
import type { RunContext } from './run-context.js';
import type { RunTarget } from './run-service.js';

/** Pending purchases are waited for their grace, this many reconciler rounds, and a margin. */
const RECONCILE_ROUNDS = 3;
const PENDING_WAIT_MARGIN_MS = 5000;
const HOLD_WAIT_MARGIN_MS = 15_000;

/**
 * How long after the load a purchase pending in Redis may still settle: its own request writes
 * or undoes it within PENDING_GRACE_MS; after that only the reconciler moves it, so with the
 * reconciler off nothing is left to wait for (verify reports what stays pending).
 */
export function pendingSettleMs(
  config: Pick<ServerConfig, 'isReconcilerEnabled' | 'reconcileIntervalMs'>,
): Milliseconds {
  const roundsMs = config.isReconcilerEnabled ? RECONCILE_ROUNDS * config.reconcileIntervalMs : 0;
  return PENDING_GRACE_MS + roundsMs + PENDING_WAIT_MARGIN_MS;
}

export type SettlingSales = {
  config: Readonly<ServerConfig>;
  redis: RedisClient;
  target: RunTarget;
  /** Every sale the load touched, oldest first: their pending purchases settle; the current sale's holds lapse. */
  saleIds: readonly number[];
};

/** The run's step after the load: waits, within deadlines from the config, for the sales to come to rest. */
export async function settleSales(
  { say, interruption }: RunContext,
  { config, redis, target, saleIds }: SettlingSales,
): Promise<void> {
  const pendingDeadlineMs = Date.now() + pendingSettleMs(config);
  // Every sale's purchases in flight settle; holds are left only in the last one (earlier ones are over).
  for (const saleId of saleIds) {
    const pending = await interruption.unlessAborted(
      waitForPendingPurchases(redis, saleId, pendingDeadlineMs, interruption.signal),
    );
    if (pending === 0) continue;
    const sale = saleIds.length > 1 ? `sale ${saleId}: ` : '';
    const count = Number.isNaN(pending) ? 'unknown' : pending;
    const stranded = config.isReconcilerEnabled ? '' : ' (the reconciler is off: they stay so)';
    say(`${sale}${count} purchases still pending in Redis at the deadline${stranded}`);
  }
  const holdsDeadlineMs = Date.now() + PENDING_GRACE_MS + config.holdTtlMs + HOLD_WAIT_MARGIN_MS;
  let lastSaid = 0;
  const onWait = (counts: SaleCounts) => {
    if (Date.now() - lastSaid < 2000) return;
    lastSaid = Date.now();
    say(
      `waiting for ${counts.held} hold${counts.held === 1 ? '' : 's'} to lapse (sold ${counts.sold}/${counts.size})`,
    );
  };
  const rest = await interruption.unlessAborted(
    waitForHoldsToLapse(target.url(), holdsDeadlineMs, onWait, interruption.signal),
  );
  if (rest !== undefined)
    say(`at rest: sold ${rest.sold}/${rest.size}, held ${rest.held}, available ${rest.available}`);
}

async function waitForPendingPurchases(
  redis: RedisClient,
  saleId: number,
  deadlineMs: number,
  signal: AbortSignal,
): Promise<number> {
  for (;;) {
    const pending = await redis.zcard(saleKeys(saleId).pending).catch(() => Number.NaN);
    if (pending === 0 || Date.now() >= deadlineMs) return pending;
    await sleep(500, undefined, { signal });
  }
}
