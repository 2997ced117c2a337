// After the load, a run waits until every hold has lapsed (or been bought) so that the verifier
// sees the sale at rest: nothing held, every abandoned item back in stock or re-sold.
import { setTimeout as sleep } from 'node:timers/promises';
import { readSaleAnswer, type SaleSnapshot } from '@flashsale/protocol';

export type SaleCounts = SaleSnapshot & Readonly<{ saleId: number }>;

export async function readSale(target: string): Promise<SaleCounts> {
  const response = await fetch(`${target}/sale`);
  if (!response.ok) throw new Error(`GET /sale answered ${response.status}`);
  const sale = readSaleAnswer(await response.text());
  if (sale === null || sale.saleId === null) throw new Error('GET /sale answered, but not with a sale');
  return { ...sale, saleId: sale.saleId };
}

/** Polls GET /sale until no hold is left; returns the last counts (held may be > 0 at the deadline). */
export async function waitForHoldsToLapse(
  target: string,
  deadlineMs: number,
  onWait?: (counts: SaleCounts) => void,
  signal?: AbortSignal,
): Promise<SaleCounts | undefined> {
  let last: SaleCounts | undefined;
  for (;;) {
    last = await readSale(target).catch(() => last); // a fault may still be healing: try again
    if (last !== undefined && last.held === 0) return last;
    if (Date.now() >= deadlineMs) return last;
    if (last !== undefined) onWait?.(last);
    await sleep(500, undefined, { signal });
  }
}
