// The machine report of `flashsale verify --json`: the same content as the table, in the SPEC's
// snake_case, with the SPEC's invariant ids. Camel case ends here.
import type { VerifyReport } from '../verify/report.js';

export type VerifyReportJson = {
  sale_id: number;
  verdict: 'pass' | 'fail';
  checked_at: string;
  sale: {
    starts_at: string;
    ends_at: string;
    size: number;
    user_limit: number;
    hold_ttl_ms: number;
  };
  grace_ms: number;
  redis_key_prefix: string;
  /** The run was cut short (Ctrl-C); absent in reports of older versions. */
  interrupted?: boolean;
  ledger: {
    files: readonly string[];
    lines: number;
    requests: number;
    faults: number;
    checkouts_matched: number;
    purchases_matched: number;
    other_sales: number;
    checkouts_unanswered: number;
  } | null;
  invariants: Array<{
    /** The sale the row is about; only in a report of several sales. */
    sale_id?: number;
    id: string;
    title: string;
    status: 'PASS' | 'FAIL' | 'SKIP';
    counted: string;
    violations: number;
    examples: readonly string[];
    elapsed_ms: number;
  }>;
  elapsed_ms: number;
  /**
   * A verification of every sale a ledger touched: each sale's own report, oldest first. The
   * top-level fields are then the newest sale's, except `verdict` (fail when any sale failed) and
   * `invariants` (every sale's rows, each with its `sale_id`: one combined table).
   */
  sales?: VerifyReportJson[];
};

export function toJson(report: VerifyReport): VerifyReportJson {
  const { sale, ledger } = report;
  return {
    sale_id: report.saleId,
    verdict: report.verdict,
    checked_at: new Date(report.checkedAtMs).toISOString(),
    sale: {
      starts_at: new Date(sale.startsAtMs).toISOString(),
      ends_at: new Date(sale.endsAtMs).toISOString(),
      size: sale.size,
      user_limit: sale.userLimit,
      hold_ttl_ms: sale.holdTtlMs,
    },
    grace_ms: report.graceMs,
    redis_key_prefix: report.redisKeyPrefix,
    interrupted: report.isRunInterrupted,
    ledger:
      ledger === null
        ? null
        : {
            files: ledger.files,
            lines: ledger.lines,
            requests: ledger.requests,
            faults: ledger.faults,
            checkouts_matched: ledger.checkoutsLoaded,
            purchases_matched: ledger.purchasesLoaded,
            other_sales: ledger.otherSales,
            checkouts_unanswered: ledger.checkoutsUnanswered,
          },
    invariants: report.invariants.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      counted: r.counted,
      violations: r.violations,
      examples: r.examples,
      elapsed_ms: r.elapsedMs,
    })),
    elapsed_ms: report.elapsedMs,
  };
}

/** One report, or several sales' reports as one (see VerifyReportJson.sales). */
export function toJsonAll(reports: readonly VerifyReport[]): VerifyReportJson {
  const sales = reports.map(toJson);
  const newest = sales.at(-1);
  if (newest === undefined) throw new RangeError('toJsonAll needs at least one report');
  if (sales.length === 1) return newest;
  return {
    ...newest,
    verdict: sales.some((sale) => sale.verdict === 'fail') ? 'fail' : 'pass',
    invariants: sales.flatMap((sale) => sale.invariants.map((row) => ({ sale_id: sale.sale_id, ...row }))),
    elapsed_ms: sales.reduce((sum, sale) => sum + sale.elapsed_ms, 0),
    sales,
  };
}

export function formatJson(report: VerifyReport | readonly VerifyReport[]): string {
  const reports = Array.isArray(report) ? report : [report as VerifyReport];
  return `${JSON.stringify(toJsonAll(reports), null, 2)}\n`;
}
