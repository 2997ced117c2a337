// Prepares the next sale ahead of its start, so the first request of a period finds it ready: its
// rows and items in Postgres and its keys in Redis, opened in this process's book. Opening a
// large sale takes long (a 1M-item sale ~13 s), and done by the first checkout of the period it
// would hold every checkout of that moment. A timer fires `leadMs` before each period starts (not
// at the reconciler's pace), and retries every second while a dependency is down. Until the
// current period's sale is open here, the process says its sale is "opening".
import { type Milliseconds, nextSaleStartMs, saleIdAt } from '@flashsale/protocol';
import { isConnectionFailure } from '../store/failures.js';
import type { SaleDeps } from './deps.js';

/** Whether this process can serve the current period's sale at once, or is still opening it. */
export type SaleOpenState = 'open' | 'opening';

const RETRY_MS = 1000;
/** The most lead a preparation takes: a 1M-item sale opens in well under that. */
const MAX_LEAD_MS = 60_000;

/** How long before a period starts its sale is prepared: a quarter of the period, at most a minute. */
export function prepareLeadMs(saleDurationMs: Milliseconds): Milliseconds {
  return Math.min(MAX_LEAD_MS, saleDurationMs / 4);
}

/** 'open' once this process has the current period's sale open (Postgres rows and Redis keys). */
export function saleOpenState(deps: Pick<SaleDeps, 'sales' | 'clock' | 'config'>): SaleOpenState {
  const saleId = saleIdAt(deps.clock(), deps.config.saleDurationMs);
  return deps.sales.cached(saleId) === undefined ? 'opening' : 'open';
}

export type Preparer = {
  /** Opens the current sale, and the next one when its start is within the lead; resolves when done. */
  prepareNow(): Promise<void>;
  stop(): void;
};

export function startPreparer(deps: SaleDeps): Preparer {
  const { saleDurationMs } = deps.config;
  const leadMs = prepareLeadMs(saleDurationMs);
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;

  async function prepareNow(): Promise<void> {
    const nowMs = deps.clock();
    const current = saleIdAt(nowMs, saleDurationMs);
    await deps.sales.open(current);
    if (nextSaleStartMs(nowMs, saleDurationMs) - nowMs <= leadMs) {
      const startedMs = performance.now();
      const isNew = deps.sales.cached(current + 1) === undefined;
      await deps.sales.open(current + 1);
      if (isNew)
        deps.log.info('sale_prepared', {
          saleId: current + 1,
          startsInMs: Math.round(nextSaleStartMs(nowMs, saleDurationMs) - deps.clock()),
          tookMs: Math.round(performance.now() - startedMs),
        });
    }
  }

  function schedule(delayMs: number): void {
    if (isStopped) return;
    timer = setTimeout(run, Math.max(0, delayMs));
    timer.unref();
  }

  function run(): void {
    prepareNow().then(
      () => {
        // The next firing: `leadMs` before the period after the one being prepared starts.
        const nowMs = deps.clock();
        const nextStartMs = nextSaleStartMs(nowMs, saleDurationMs);
        const dueMs = nextStartMs - leadMs - nowMs;
        schedule(dueMs > 0 ? dueMs : nextStartMs - nowMs + (saleDurationMs - leadMs));
      },
      (error: unknown) => {
        deps.log.warn(isConnectionFailure(error) ? 'sale_prepare_deferred' : 'sale_prepare_failed', {
          error,
        });
        schedule(RETRY_MS);
      },
    );
  }

  run();
  return {
    prepareNow,
    stop() {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}
