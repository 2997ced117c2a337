// The machine report of `flashsale verify --json`: the same content as the table, in the SPEC's
// snake_case, with the SPEC's invariant ids. Camel case ends here.
import type { BlackBoxReport } from '../verify/black-box/report.js';
import type { VerifyReport } from '../verify/report.js';
import type { InvariantResult } from '../verify/result.js';

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
  /** The black-box checks over the same ledgers; null without a ledger, absent in older reports. */
  black_box?: BlackBoxReportJson | null;
  elapsed_ms: number;
  /**
   * A verification of every sale a ledger touched: each sale's own report, oldest first. The
   * top-level fields are then the newest sale's, except `verdict` (fail when any sale failed) and
   * `invariants` (every sale's rows, each with its `sale_id`: one combined table).
   */
  sales?: VerifyReportJson[];
};

/** `flashsale verify --black-box --json`: what the ledgers alone prove. */
export type BlackBoxReportJson = {
  mode: 'black-box';
  verdict: 'pass' | 'fail';
  checked_at: string;
  profile: string;
  sale_id: number | null;
  sale: { size: number | null; user_limit: number | null; first_item_id: number };
  grace_ms: number;
  interrupted: boolean;
  ledger: {
    files: readonly string[];
    lines: number;
    requests: number;
    faults: number;
    checkouts_ok: number;
    purchases_ok: number;
    indeterminate: number;
    other_sales: number;
  };
  invariants: VerifyReportJson['invariants'];
  elapsed_ms: number;
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
    invariants: report.invariants.map(resultJson),
    black_box: report.blackBox === null ? null : toBlackBoxJson(report.blackBox),
    elapsed_ms: report.elapsedMs,
  };
}

export function toBlackBoxJson(report: BlackBoxReport): BlackBoxReportJson {
  const { ledger } = report;
  return {
    mode: 'black-box',
    verdict: report.verdict,
    checked_at: new Date(report.checkedAtMs).toISOString(),
    profile: report.profile,
    sale_id: report.saleId,
    sale: { size: report.saleSize, user_limit: report.userLimit, first_item_id: report.firstItemId },
    grace_ms: report.graceMs,
    interrupted: report.isRunInterrupted,
    ledger: {
      files: ledger.files,
      lines: ledger.lines,
      requests: ledger.requests,
      faults: ledger.faults,
      checkouts_ok: ledger.checkoutsOk,
      purchases_ok: ledger.purchasesOk,
      indeterminate: ledger.indeterminate,
      other_sales: ledger.otherSales,
    },
    invariants: report.invariants.map(resultJson),
    elapsed_ms: report.elapsedMs,
  };
}

export function formatBlackBoxJson(report: BlackBoxReport): string {
  return `${JSON.stringify(toBlackBoxJson(report), null, 2)}\n`;
}

function resultJson(r: InvariantResult<string>): VerifyReportJson['invariants'][number] {
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    counted: r.counted,
    violations: r.violations,
    examples: r.examples,
    elapsed_ms: r.elapsedMs,
  };
}

/** What a page or `report --verify` may be given: a database verification, or a black-box one. */
export type AnyVerifyJson = VerifyReportJson | BlackBoxReportJson;

export function isBlackBoxJson(report: AnyVerifyJson): report is BlackBoxReportJson {
  return (report as BlackBoxReportJson).mode === 'black-box';
}

/** Every invariant a report checked: a database report's own, then its black-box ones (named so). */
export function allInvariants(report: AnyVerifyJson): VerifyReportJson['invariants'] {
  if (isBlackBoxJson(report)) return report.invariants;
  if (report.sales !== undefined && report.sales.length > 1)
    return report.sales.flatMap((sale) =>
      allInvariants(sale).map((row) => ({ sale_id: sale.sale_id, ...row })),
    );
  const blackBox = (report.black_box?.invariants ?? []).map((r) => ({ ...r, id: `black-box ${r.id}` }));
  return [...report.invariants, ...blackBox];
}

/** What the verdict was about: a sale, or the ledgers of a target profile. */
export function verdictScope(report: AnyVerifyJson): string {
  if (isBlackBoxJson(report)) return `black-box, profile ${report.profile}`;
  return report.sales !== undefined && report.sales.length > 1
    ? `${report.sales.length} sales`
    : `sale ${report.sale_id}`;
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
