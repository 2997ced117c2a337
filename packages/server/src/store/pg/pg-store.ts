// The SaleStore on a pg pool: each method is one of the statements of this folder.
import type { Logger } from '../../observe/log.js';
import type { SaleStore } from '../sale-store.js';
import { attemptWriter, selectCodesOf } from './attempts.js';
import { createPool, type PoolOptions } from './pool.js';
import { countPurchasesOf, purchaseWriter, selectPurchasesOf } from './purchases.js';
import { findSale, openSale, selectItemsPage } from './sales.js';

/** A store on its own pool (no connection is made until the first statement). */
export function createPgStore(options: PoolOptions, log: Logger): SaleStore {
  const pool = createPool(options, log);
  const attempts = attemptWriter(pool);
  const purchases = purchaseWriter(pool);
  return {
    findSale: (saleId) => findSale(pool, saleId),
    openSale: (sale, itemText) => openSale(pool, sale, itemText),
    itemsPage: (saleId, fromItemId, limit) => selectItemsPage(pool, saleId, fromItemId, limit),
    writeAttempts: attempts.write,
    writePurchases: purchases.write,
    async saleRecords(saleId) {
      const [purchases, codes] = await Promise.all([
        selectPurchasesOf(pool, saleId),
        selectCodesOf(pool, saleId),
      ]);
      return { purchases, codes };
    },
    countPurchases: (saleId) => countPurchasesOf(pool, saleId),
    purchasesOf: (saleId) => selectPurchasesOf(pool, saleId),
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => {
      attempts.release();
      purchases.release();
      return pool.end();
    },
  };
}
