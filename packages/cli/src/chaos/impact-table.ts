import Table from 'cli-table3';
import type { FaultImpact } from './impact.js';

/** One row per fault: when, what, how long the service took to answer again, and what it cost. */
export function formatChaosTable(faults: readonly FaultImpact[]): string {
  const table = new Table({
    head: ['fault', 'at', 'recovered after', '503 answers', 'indeterminate', 'of those happened', 'detail'],
    wordWrap: true,
    colWidths: [16, 14, 17, 13, 15, 19, 40],
  });
  for (const f of faults) {
    table.push([
      f.kind,
      f.atMs === null ? '—' : new Date(f.atMs).toISOString().slice(11, 23),
      f.recoveryMs === null ? (f.atMs === null ? '—' : 'not recovered') : `${f.recoveryMs} ms`,
      f.unavailable,
      f.indeterminate,
      f.happened,
      f.detail,
    ]);
  }
  return table.toString();
}
