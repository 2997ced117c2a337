// The terminal table of a bench run (cli-table3), from the `rows` each result carries:
// [figure, flashsale, baseline, ratio].
import Table from 'cli-table3';
import type { ResultEnvelope } from './results.js';

export function renderTable(results: readonly ResultEnvelope[]): string {
  const table = new Table({
    head: ['benchmark', 'figure', 'measured', 'baseline', 'ratio'],
    style: { head: [], border: [] }, // no colours: the table also goes to logs and CI
  });
  for (const result of results) {
    result.rows.forEach(([figure, measured, baseline, ratio], i) => {
      table.push([i === 0 ? result.title : '', figure, measured, baseline, ratio]);
    });
  }
  return table.toString();
}

export function renderFlags(results: readonly ResultEnvelope[]): string {
  return results.flatMap((result) => result.flags.map((flag) => `! ${result.id}: ${flag}`)).join('\n');
}
