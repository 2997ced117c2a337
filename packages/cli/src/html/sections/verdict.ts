// The verifier's verdict: one row per invariant with what it counted and up to five example
// violations, as `flashsale verify --json` wrote them: the database checks of a sale, then the
// black-box checks of its ledgers; or the black-box checks alone (`run --target --profile`).
import {
  type AnyVerifyJson,
  type BlackBoxReportJson,
  isBlackBoxJson,
  type VerifyReportJson,
} from '../../output/json.js';
import { formatCount } from '../figures.js';
import { escapeHtml } from '../html-text.js';
import { type Cell, renderTable } from './html-table.js';

export function renderVerdict(verify: AnyVerifyJson | undefined): string {
  if (verify === undefined)
    return '<p class="muted">No verify report was given (<code>--verify verify.json</code>): the invariants were not checked here.</p>';
  if (isBlackBoxJson(verify)) return renderBlackBox(verify, 'verdict');
  const ledger = verify.ledger;
  // A verification of several sales is one combined table with a sale column.
  const sales = verify.sales ?? [];
  const isSeveral = sales.length > 1;
  const context = [
    isSeveral
      ? `sales ${sales.map((sale) => sale.sale_id).join(', ')} (each verified; the verdict fails if any fails)`
      : `sale ${verify.sale_id}`,
    `${isSeveral ? sales[0]?.sale.starts_at : verify.sale.starts_at} – ${verify.sale.ends_at}`,
    `checked ${verify.checked_at}`,
    ledger === null
      ? 'no ledger'
      : `ledger: ${formatCount(ledger.requests)} requests, ${formatCount(ledger.checkouts_matched)} checkouts and ${formatCount(ledger.purchases_matched)} purchases matched`,
  ];
  const blackBoxes = (isSeveral ? sales : [verify]).flatMap((sale) =>
    sale.black_box === undefined || sale.black_box === null
      ? []
      : [
          `\n<h3>From the ledgers alone (black-box${isSeveral ? `, sale ${sale.sale_id}` : ''})</h3>\n${renderBlackBox(sale.black_box, `verdict-black-box-${sale.sale_id}`)}`,
        ],
  );
  return `<p class="muted">${context.map(escapeHtml).join(' · ')}</p>
${invariantTable(verify.invariants, 'verdict', isSeveral)}${blackBoxes.join('')}`;
}

function renderBlackBox(report: BlackBoxReportJson, id: string): string {
  const { ledger } = report;
  const context = [
    `profile ${report.profile}`,
    `sale size ${report.sale.size ?? 'unknown'}, limit ${report.sale.user_limit ?? 'unknown'} per buyer`,
    `checked ${report.checked_at}`,
    `${ledger.files.length} ledger(s): ${formatCount(ledger.requests)} requests, ${formatCount(ledger.checkouts_ok)} checkouts and ${formatCount(ledger.purchases_ok)} purchases acknowledged, ${formatCount(ledger.indeterminate)} indeterminate`,
  ];
  return `<p class="muted">${context.map(escapeHtml).join(' · ')}</p>
${invariantTable(report.invariants, id, false)}`;
}

/** One table of invariants; with several sales, a sale column first. */
function invariantTable(
  invariants: VerifyReportJson['invariants'],
  id: string,
  hasSaleColumn: boolean,
): string {
  const rows = invariants.map((invariant): Cell[] => [
    ...(hasSaleColumn ? [String(invariant.sale_id ?? '')] : []),
    {
      html: `<code>${escapeHtml(invariant.id)}</code><div class="muted">${escapeHtml(invariant.title)}</div>`,
    },
    { html: `<span class="status ${invariant.status.toLowerCase()}">${invariant.status}</span>` },
    invariant.counted,
    formatCount(invariant.violations),
    {
      html:
        invariant.examples.length === 0
          ? ''
          : `<ul class="examples">${invariant.examples.map((example) => `<li><code>${escapeHtml(example)}</code></li>`).join('')}</ul>`,
    },
  ]);
  return renderTable(
    [
      ...(hasSaleColumn ? [{ title: 'sale' }] : []),
      { title: 'invariant' },
      { title: 'status' },
      { title: 'counted' },
      { title: 'violations', isNumeric: true },
      { title: 'examples' },
    ],
    rows,
    id,
  );
}
