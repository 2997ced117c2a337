// The process's two group commits into the store: checkout attempts, and purchases. A purchase
// batch, once durable, leaves Redis' pending set; if that fails the reconciler does it later.
import type { Admission } from '../admission/admission.js';
import type { ServerConfig } from '../config/settings.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import { GroupCommit } from '../store/group-commit.js';
import type { AttemptRow, PurchaseRow, PurchaseWrite, SaleStore } from '../store/sale-store.js';
import { crashBeforeWriting } from '../store/test-crash.js';

export type Writes = {
  attempts: GroupCommit<AttemptRow, true>;
  purchases: GroupCommit<PurchaseRow, PurchaseWrite>;
  /** Rows accepted and not yet committed, by table (a metrics gauge). */
  queuedRows: () => Record<string, number>;
  /** Resolves once every row enqueued so far has been flushed (or failed). */
  drain: () => Promise<void>;
};

export function createWrites(deps: {
  config: Readonly<ServerConfig>;
  store: SaleStore;
  admission: Admission;
  metrics: Metrics;
  log: Logger;
}): Writes {
  const { config, store, admission, metrics, log } = deps;
  const batchOptions = (table: 'checkout_attempts' | 'purchases') => ({
    name: table,
    maxBatchRows: config.maxBatchRows,
    maxBatchWaitMs: config.maxBatchWaitMs,
    maxFlushesInFlight: config.maxFlushesInFlight,
    onBatch: (rows: number, seconds: number) => metrics.observeBatch(table, rows, seconds),
    onFailure: (error: unknown, rows: number) => {
      metrics.batchFailures.inc({ table });
      log.warn('batch_failed', { table, rows, error });
    },
  });

  const crashIfPlanted = crashBeforeWriting(config.testCrashItemId, log);
  const confirmDurable = (rows: readonly PurchaseRow[], results: readonly PurchaseWrite[]) => {
    const bySale = new Map<number, string[]>();
    rows.forEach((row, i) => {
      if (results[i]!.status === 'refused') return;
      const codes = bySale.get(row.saleId) ?? [];
      codes.push(row.code);
      bySale.set(row.saleId, codes);
    });
    for (const [saleId, codes] of bySale) {
      admission
        .confirmPurchases(saleId, codes)
        .catch((error: unknown) => log.debug('confirm_deferred', { saleId, error }));
    }
  };

  const attempts = new GroupCommit<AttemptRow, true>({
    ...batchOptions('checkout_attempts'),
    flush: store.writeAttempts,
  });
  const purchases = new GroupCommit<PurchaseRow, PurchaseWrite>({
    ...batchOptions('purchases'),
    flush: async (rows) => {
      crashIfPlanted(rows);
      const results = await store.writePurchases(rows);
      confirmDurable(rows, results);
      return results;
    },
  });
  return {
    attempts,
    purchases,
    queuedRows: () => ({ checkout_attempts: attempts.queuedRows, purchases: purchases.queuedRows }),
    drain: async () => {
      await Promise.all([attempts.drain(), purchases.drain()]);
    },
  };
}
