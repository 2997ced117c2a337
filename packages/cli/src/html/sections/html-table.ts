// One table shape for every section: text cells are escaped here, markup cells are passed as is.
import { escapeHtml } from '../html-text.js';

export type Cell = string | Readonly<{ html: string }>;

export type Column = Readonly<{ title: string; isNumeric?: boolean }>;

export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  className = '',
): string {
  const alignOf = (index: number) => (columns[index]?.isNumeric === true ? ' class="num"' : '');
  const head = columns
    .map((column, index) => `<th${alignOf(index)}>${escapeHtml(column.title)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) => `<tr>${row.map((cell, index) => `<td${alignOf(index)}>${cellHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const classAttribute = className === '' ? '' : ` class="${escapeHtml(className)}"`;
  return `<table${classAttribute}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A two-column table of names and values. */
export function renderFacts(facts: readonly (readonly [string, Cell])[]): string {
  const rows = facts.map(
    ([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${cellHtml(value)}</td></tr>`,
  );
  return `<table class="facts"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function cellHtml(cell: Cell): string {
  return typeof cell === 'string' ? escapeHtml(cell) : cell.html;
}
