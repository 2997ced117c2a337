// Tests only (--test-crash-item): the process dies as if SIGKILLed right before it writes a
// purchase of one item to Postgres, after Redis admitted it and before anyone is answered: the
// crash between the two that the reconciler must repair, placed where a test can count on it.
import type { Logger } from '../observe/log.js';
import type { PurchaseRow } from './sale-store.js';

/** Called with each purchase batch before its write; does nothing unless an item is set. */
export function crashBeforeWriting(
  itemId: number | null,
  log: Logger,
): (rows: readonly PurchaseRow[]) => void {
  if (itemId === null) return () => undefined;
  return (rows) => {
    if (!rows.some((row) => row.itemId === itemId)) return;
    log.warn('test_crash', { itemId, rows: rows.length });
    process.kill(process.pid, 'SIGKILL');
  };
}
