// The default output of `flashsale verify`: one row per invariant (status, what was counted, up
// to five example violations), then the verdict line.
import Table from 'cli-table3';
import type { BlackBoxReport } from '../verify/black-box/report.js';
import type { VerifyReport } from '../verify/report.js';
import type { InvariantResult } from '../verify/result.js';

const DEFAULT_COLUMNS = 120;

/** One sale's table, or one combined table (with a sale column) for several sales. */
export function formatTable(
  report: VerifyReport | readonly VerifyReport[],
  terminalColumns = DEFAULT_COLUMNS,
): string {
  const reports = Array.isArray(report) ? report : [report as VerifyReport];
  if (reports.length === 1) return formatSaleTable(reports[0] as VerifyReport, terminalColumns);
  return formatSalesTable(reports, terminalColumns);
}

function formatSaleTable(report: VerifyReport, terminalColumns: number): string {
  return `${saleHeader(report)}\n${resultsTable(report.invariants, terminalColumns)}\n${blackBoxOf(report, terminalColumns)}${verdictLine(report)}\n`;
}

/** A sale's black-box section (before its verdict line), or nothing. */
function blackBoxOf(report: VerifyReport, terminalColumns: number): string {
  return report.blackBox === null ? '' : `${blackBoxSection(report.blackBox, terminalColumns)}\n`;
}

/** The black-box verification: what the ledgers alone prove, in the same table. */
export function formatBlackBoxTable(report: BlackBoxReport, terminalColumns = DEFAULT_COLUMNS): string {
  return `${blackBoxSection(report, terminalColumns)}\n${blackBoxVerdictLine(report)}\n`;
}

function blackBoxSection(report: BlackBoxReport, terminalColumns: number): string {
  const { ledger } = report;
  const header =
    `black-box (profile ${report.profile}): ${ledger.requests} requests in ${ledger.files.length} ledger(s),` +
    ` ${ledger.checkoutsOk} checkouts and ${ledger.purchasesOk} purchases acknowledged, ${ledger.indeterminate} indeterminate;` +
    ` sale size ${report.saleSize ?? 'unknown'}, limit ${report.userLimit ?? 'unknown'} per buyer`;
  return `${header}\n${resultsTable(report.invariants, terminalColumns)}`;
}

function resultsTable(results: readonly InvariantResult<string>[], terminalColumns: number): string {
  const width = Math.max(80, terminalColumns);
  // invariant and status are fixed; what is left is shared by the counts and the examples.
  const rest = width - 20 - 8 - 4 * 3;
  const countedWidth = Math.floor(rest * 0.4);
  const table = new Table({
    head: ['invariant', 'status', 'counted', 'examples'],
    colWidths: [20, 8, countedWidth, rest - countedWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [] },
  });
  for (const result of results) {
    table.push([result.id, result.status, result.counted, result.examples.map((e) => `- ${e}`).join('\n')]);
  }
  return table.toString();
}

/** The black-box verdict line (on stderr with --json). */
export function blackBoxVerdictLine(report: BlackBoxReport): string {
  const failed = report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id);
  const skipped = report.invariants.filter((r) => r.status === 'SKIP').length;
  const checked = report.invariants.length - skipped;
  const skippedText = skipped > 0 ? `, ${skipped} skipped` : '';
  if (failed.length > 0)
    return `FAIL: black-box: ${failed.join(', ')} violated (${failed.length} of ${checked} checked invariants${skippedText})`;
  return `PASS: black-box: all ${checked} checked invariants hold${skippedText} (${report.elapsedMs} ms)`;
}

function formatSalesTable(reports: readonly VerifyReport[], terminalColumns: number): string {
  const width = Math.max(90, terminalColumns);
  const rest = width - 12 - 20 - 8 - 5 * 3;
  const countedWidth = Math.floor(rest * 0.45);
  const table = new Table({
    head: ['sale', 'invariant', 'status', 'counted', 'examples'],
    colWidths: [12, 20, 8, countedWidth, rest - countedWidth],
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [] },
  });
  for (const report of reports) {
    for (const result of report.invariants) {
      table.push([
        report.saleId,
        result.id,
        result.status,
        result.counted,
        result.examples.map((e) => `- ${e}`).join('\n'),
      ]);
    }
  }
  const headers = reports.map(saleHeader).join('\n');
  const blackBoxes = reports.map((each) => blackBoxOf(each, terminalColumns)).join('');
  return `${headers}\n${table.toString()}\n${blackBoxes}${reports.map(verdictLine).join('\n')}\n${salesVerdictLine(reports)}\n`;
}

function saleHeader(report: VerifyReport): string {
  const { sale } = report;
  return (
    `sale ${report.saleId}: ${new Date(sale.startsAtMs).toISOString()} .. ${new Date(sale.endsAtMs).toISOString()},` +
    ` ${sale.size} items, limit ${sale.userLimit} per buyer, holds ${sale.holdTtlMs} ms` +
    (report.ledger === null
      ? ''
      : `; ledger: ${report.ledger.requests} requests, ${report.ledger.faults} faults in ${report.ledger.files.length} file(s)`)
  );
}

/** The last line of a verification of several sales: every sale passes, or which failed. */
export function salesVerdictLine(reports: readonly VerifyReport[]): string {
  const failed = reports.filter((report) => report.verdict === 'fail').map((report) => report.saleId);
  const ids = reports.map((report) => report.saleId).join(', ');
  if (failed.length > 0)
    return `FAIL: ${failed.length} of ${reports.length} sales violated an invariant (${failed.join(', ')})`;
  return `PASS: all ${reports.length} sales the ledger touched hold every checked invariant (${ids})`;
}

/** The one verdict line every verify output ends with (on stderr with --json); the black-box checks' after a `;`. */
export function verdictLine(report: VerifyReport): string {
  const blackBox =
    report.blackBox === null ? '' : `; ${blackBoxVerdictLine(report.blackBox).replace(/^(PASS|FAIL): /, '')}`;
  return databaseVerdictLine(report) + blackBox;
}

function databaseVerdictLine(report: VerifyReport): string {
  const failed = report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id);
  const skipped = report.invariants.filter((r) => r.status === 'SKIP').length;
  const checked = report.invariants.length - skipped;
  const skippedText = skipped > 0 ? `, ${skipped} skipped` : '';
  const interrupted = report.isRunInterrupted ? ' in an interrupted run' : '';
  if (failed.length > 0)
    return `FAIL: sale ${report.saleId}: ${failed.join(', ')} violated${interrupted} (${failed.length} of ${checked} checked invariants${skippedText})`;
  if (report.verdict === 'fail')
    return `FAIL: sale ${report.saleId}: all ${checked} checked invariants hold${skippedText}${interrupted}`;
  return report.isRunInterrupted
    ? `INTERRUPTED: sale ${report.saleId}: the run was cut short; all ${checked} checked invariants hold${skippedText}, sell-out not applicable (${report.elapsedMs} ms)`
    : `PASS: sale ${report.saleId}: all ${checked} checked invariants hold${skippedText} (${report.elapsedMs} ms)`;
}
