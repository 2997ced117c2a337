// The sales this process knows: opened in Postgres (once per process per sale, cached) and
// present in Redis (rebuilt from Postgres when their keys are missing).
import type { ServerConfig } from '../config/settings.js';
import { SaleMismatchError } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { SaleInfo, SaleStore } from '../store/sale-store.js';
import { openSale } from './open.js';
import type { Rebuilder } from './rebuild.js';

export type SaleBook = ReturnType<typeof createSaleBook>;

export function createSaleBook(deps: {
  store: SaleStore;
  config: Readonly<ServerConfig>;
  rebuilder: Rebuilder;
  log: Logger;
}) {
  const known = new Map<number, SaleInfo>();
  const opening = new Map<number, Promise<SaleInfo>>();
  const mismatchLogged = new Set<number>();

  function remember(sale: SaleInfo): SaleInfo {
    if (known.size > 100) known.clear(); // hourly sales: a small cache is plenty
    known.set(sale.saleId, sale);
    return sale;
  }

  return {
    /** The sale if this process has seen it already: the hot path's synchronous check. */
    cached(saleId: number): SaleInfo | undefined {
      return known.get(saleId);
    },

    /** Opens the sale (Postgres rows, then Redis state) if needed; safe to race. */
    open(saleId: number): Promise<SaleInfo> {
      const hit = known.get(saleId);
      if (hit !== undefined) return Promise.resolve(hit);
      let pending = opening.get(saleId);
      if (pending === undefined) {
        pending = (async () => {
          const { sale, isNew } = await openSale(deps.store, saleId, deps.config).catch((error: unknown) => {
            if (error instanceof SaleMismatchError && !mismatchLogged.has(saleId)) {
              if (mismatchLogged.size > 100) mismatchLogged.clear();
              mismatchLogged.add(saleId);
              deps.log.error('sale_mismatch', { saleId, flag: error.flag, message: error.message });
            }
            throw error;
          });
          if (isNew)
            deps.log.info('sale_opened', {
              saleId,
              size: sale.size,
              endsAt: new Date(sale.endsAtMs).toISOString(),
            });
          await deps.rebuilder.ensure(sale);
          return remember(sale);
        })().finally(() => opening.delete(saleId));
        opening.set(saleId, pending);
      }
      return pending;
    },

    /** Whether this process has the sale open, is opening it now, or neither. */
    state(saleId: number): 'open' | 'opening' | 'not_open' {
      if (known.has(saleId) && !opening.has(saleId)) return 'open';
      return opening.has(saleId) ? 'opening' : 'not_open';
    },

    /** A sale that exists in Postgres (for codes of earlier sales), without opening anything. */
    async find(saleId: number): Promise<SaleInfo | undefined> {
      const hit = known.get(saleId);
      if (hit !== undefined) return hit;
      const sale = await deps.store.findSale(saleId);
      return sale === undefined ? undefined : remember(sale);
    },
  };
}
