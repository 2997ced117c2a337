// Which sales a ledger touched: every sale id an answer named (checkouts and purchases answered
// 200 carry one) or a purchase's code begins with (`<sale id>.`). A refusal carries no sale id;
// the sale it belongs to is found in Postgres by the invariants, so it names no sale here.
import type { LedgerRequest } from '@flashsale/protocol';
import { readLedger } from './ledger.js';

const codeSale = /^(\d{1,15})\./;

/** The sale ids the ledgers touched, ascending. */
export async function findLedgerSales(paths: readonly string[]): Promise<number[]> {
  const sales = new Set<number>();
  for (const path of paths) {
    for await (const batch of readLedger(path)) {
      for (const entry of batch) {
        if (entry.kind !== 'request') continue;
        const saleId = saleOfRequest(entry.request);
        if (saleId !== null) sales.add(saleId);
      }
    }
  }
  return [...sales].sort((a, b) => a - b);
}

/** The sale a request line names: its answer's sale id, else the sale its code was issued in. */
export function saleOfRequest(request: LedgerRequest): number | null {
  if (request.saleId !== null) return request.saleId;
  const match = request.code === null ? null : codeSale.exec(request.code);
  return match === null ? null : Number(match[1]);
}
