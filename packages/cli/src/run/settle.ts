// After the load, a run waits for the sale to come to rest before verifying: every purchase
// admitted in Redis settled in Postgres (the reconciler rolls forward what a dead process left),
// and every hold lapsed or bought.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '@flashsale/server';
import { PENDING_GRACE_MS, type ServerConfig, saleKeys } from '@flashsale/server';
import { type SaleCounts, waitForHoldsToLapse } from './holds.js';
import type { RunContext } from './run-context.js';
import type { RunTarget } from './run-service.js';

/** Pending purchases are waited for their grace, this many reconciler rounds, and a margin. */
const RECONCILE_ROUNDS = 3;
const PENDING_WAIT_MARGIN_MS = 5000;
const HOLD_WAIT_MARGIN_MS = 15_000;

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
  const pendingDeadlineMs =
    Date.now() + PENDING_GRACE_MS + RECONCILE_ROUNDS * config.reconcileIntervalMs + PENDING_WAIT_MARGIN_MS;
  // Earlier sales are over: only their purchases in flight can still move.
  for (const saleId of saleIds.slice(0, -1)) {
    const pending = await interruption.unlessAborted(
      waitForPendingPurchases(redis, saleId, pendingDeadlineMs, interruption.signal),
    );
    if (pending !== 0) say(`sale ${saleId}: ${pending} purchases still pending in Redis at the deadline`);
  }
  const saleId = saleIds.at(-1) as number;
  const rest = await interruption.unlessAborted(
    waitForRest(
      {
        redis,
        target: target.url,
        saleId,
        pendingDeadlineMs,
        holdsDeadlineMs: Date.now() + PENDING_GRACE_MS + config.holdTtlMs + HOLD_WAIT_MARGIN_MS,
        signal: interruption.signal,
      },
      say,
    ),
  );
  if (rest !== undefined)
    say(`at rest: sold ${rest.sold}/${rest.size}, held ${rest.held}, available ${rest.available}`);
}

export async function waitForPendingPurchases(
  redis: RedisClient,
  saleId: number,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<number> {
  for (;;) {
    const pending = await redis.zcard(saleKeys(saleId).pending).catch(() => Number.NaN);
    if (pending === 0 || Date.now() >= deadlineMs) return pending;
    await sleep(500, undefined, { signal });
  }
}

export async function waitForRest(
  options: {
    redis: RedisClient;
    target: () => string;
    saleId: number;
    pendingDeadlineMs: number;
    holdsDeadlineMs: number;
    /** Gives up waiting (rejects) when aborted. */
    signal?: AbortSignal;
  },
  say: (line: string) => void,
): Promise<SaleCounts | undefined> {
  const pending = await waitForPendingPurchases(
    options.redis,
    options.saleId,
    options.pendingDeadlineMs,
    options.signal,
  );
  if (pending !== 0)
    say(`${Number.isNaN(pending) ? 'unknown' : pending} purchases still pending in Redis at the deadline`);
  let lastSaid = 0;
  const onWait = (counts: SaleCounts) => {
    if (Date.now() - lastSaid < 2000) return;
    lastSaid = Date.now();
    say(
      `waiting for ${counts.held} hold${counts.held === 1 ? '' : 's'} to lapse (sold ${counts.sold}/${counts.size})`,
    );
  };
  return waitForHoldsToLapse(options.target(), options.holdsDeadlineMs, onWait, options.signal);
}
