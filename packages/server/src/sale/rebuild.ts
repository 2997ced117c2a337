// Rebuilding a sale's Redis state from Postgres, the durable record: used when a sale is first
// seen by Redis and whenever its keys vanished (flush, restart without persistence). One instance
// rebuilds under a lock; the scripts refuse to decide while the sale's meta key is missing.
import type { Milliseconds } from '@flashsale/protocol';
import type { Admission } from '../admission/admission.js';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { SaleInfo, SaleStore } from '../store/sale-store.js';

const LOCK_TTL_MS = 30_000;
const WAIT_FOR_OTHER_MS = 5_000;

export type RebuildDeps = {
  store: SaleStore;
  admission: Admission;
  log: Logger;
  clock: () => Milliseconds;
  onRebuilt?: () => void;
  /** Another instance holds the sale's rebuild lock: this one waits for its keys instead. */
  onWaiting?: () => void;
  /** The lock was free but the keys were back already (another instance rebuilt them): nothing done. */
  onAlreadyRebuilt?: () => void;
};

export type Rebuilder = {
  /** Makes sure the sale has its Redis state; concurrent callers in one process share one rebuild. */
  ensure(sale: SaleInfo): Promise<void>;
};

export function createRebuilder(deps: RebuildDeps): Rebuilder {
  const inFlight = new Map<number, Promise<void>>();

  async function rebuildOrWait(sale: SaleInfo): Promise<void> {
    if (await deps.admission.hasSale(sale.saleId)) return;
    const lock = await deps.admission.lockSale(sale.saleId, 'rebuild', LOCK_TTL_MS);
    if (lock === undefined) {
      deps.onWaiting?.();
      await waitForOther(deps.admission, sale.saleId);
      return;
    }
    try {
      // Another instance may have rebuilt the keys between the check above and the lock: its
      // keys may hold live holds and purchases already, which a second restore would wipe.
      if (await deps.admission.hasSale(sale.saleId)) {
        deps.onAlreadyRebuilt?.();
        return;
      }
      const records = await deps.store.saleRecords(sale.saleId);
      const restored = await deps.admission.restoreSale(sale, records, deps.clock());
      deps.onRebuilt?.();
      deps.log.info('sale_rebuilt', { saleId: sale.saleId, ...restored });
    } finally {
      await lock
        .release()
        .catch((error: unknown) => deps.log.warn('rebuild_unlock_failed', { saleId: sale.saleId, error }));
    }
  }

  return {
    ensure(sale) {
      let pending = inFlight.get(sale.saleId);
      if (pending === undefined) {
        pending = rebuildOrWait(sale).finally(() => inFlight.delete(sale.saleId));
        inFlight.set(sale.saleId, pending);
      }
      return pending;
    },
  };
}

async function waitForOther(admission: Admission, saleId: number): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  while (Date.now() < deadline) {
    if (await admission.hasSale(saleId)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new UnavailableError('redis', new Error('another instance is still rebuilding the sale'));
}
