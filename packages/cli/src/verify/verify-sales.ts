// Verifies every sale a ledger touched, one after the other, each with the whole ledger (the
// lines of other sales are set aside by the loader). A run that crossed a rollover passes only if
// every sale it touched passes. Without a ledger, or when it names no sale, the choice is the
// given one (the latest by default).
import { findLedgerSales } from './ledger-sales.js';
import type { VerifyReport } from './report.js';
import { type VerifyOptions, verifySale } from './run-verify.js';
import type { SaleChoice } from './sale.js';

export type VerifySalesOptions = Omit<VerifyOptions, 'sale' | 'isSelloutExpected'> & {
  /** A sale id or `latest`; `ledger`: every sale the ledger touched. */
  sale: SaleChoice | 'ledger';
  /** Per sale: asked, not asked, or judged from the ledger. */
  isSelloutExpected: (saleId: number | 'latest') => VerifyOptions['isSelloutExpected'];
};

export async function verifySales(options: VerifySalesOptions): Promise<VerifyReport[]> {
  const choices = await salesToVerify(options);
  const reports: VerifyReport[] = [];
  for (const sale of choices) {
    reports.push(await verifySale({ ...options, sale, isSelloutExpected: options.isSelloutExpected(sale) }));
  }
  return reports;
}

async function salesToVerify(options: VerifySalesOptions): Promise<SaleChoice[]> {
  if (options.sale !== 'ledger') return [options.sale];
  const touched = options.ledgerPaths.length === 0 ? [] : await findLedgerSales(options.ledgerPaths);
  return touched.length === 0 ? ['latest'] : touched;
}

/** One verdict for several sales: fail when any sale failed. */
export function combinedVerdict(reports: readonly VerifyReport[]): 'pass' | 'fail' {
  return reports.some((report) => report.verdict === 'fail') ? 'fail' : 'pass';
}
