// The verifier's verdict: one row per invariant of SPEC section 4 with what it counted and up to
// five example violations, as `flashsale verify --json` wrote them.
import type { VerifyReportJson } from '../../output/json.js';
import { formatCount } from '../figures.js';
import { escapeHtml } from '../html-text.js';
import { type Cell, renderTable } from './html-table.js';

export function renderVerdict(verify: VerifyReportJson | undefined): string {
  if (verify === undefined)
    return '<p class="muted">No verify report was given (<code>--verify verify.json</code>): the invariants were not checked here.</p>';
  // A verification of several sales is one combined table with a sale column.
  const isSeveral = verify.sales !== undefined && verify.sales.length > 1;
  const rows = verify.invariants.map((invariant): Cell[] => [
    ...(isSeveral ? [String(invariant.sale_id ?? '')] : []),
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
  const ledger = verify.ledger;
  const context = [
    isSeveral
      ? `sales ${(verify.sales ?? []).map((sale) => sale.sale_id).join(', ')} (each verified; the verdict fails if any fails)`
      : `sale ${verify.sale_id}`,
    isSeveral
      ? `${verify.sales?.[0]?.sale.starts_at} – ${verify.sale.ends_at}`
      : `${verify.sale.starts_at} – ${verify.sale.ends_at}`,
    `checked ${verify.checked_at}`,
    ledger === null
      ? 'no ledger'
      : `ledger: ${formatCount(ledger.requests)} requests, ${formatCount(ledger.checkouts_matched)} checkouts and ${formatCount(ledger.purchases_matched)} purchases matched`,
  ];
  return `<p class="muted">${context.map(escapeHtml).join(' · ')}</p>
${renderTable(
  [
    ...(isSeveral ? [{ title: 'sale' }] : []),
    { title: 'invariant' },
    { title: 'status' },
    { title: 'counted' },
    { title: 'violations', isNumeric: true },
    { title: 'examples' },
  ],
  rows,
  'verdict',
)}`;
}
