// The page's own stylesheet: quiet type, tables that read at a glance, charts in two columns on a
// wide screen and one column on paper.
export const pageStyle = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --good: #2b8a3e; --bad: #c92a2a; --warn: #e67700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 40px; }
header h1 { margin: 0; font-size: 24px; }
.subtitle, .muted { color: var(--muted); }
.subtitle { margin: 4px 0 16px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.card.good { border-left-color: var(--good); }
.card.bad { border-left-color: var(--bad); }
.card.warn { border-left-color: var(--warn); }
.card-name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card-value small { font-size: 13px; font-weight: 500; color: var(--muted); }
.card.bad .card-value { color: var(--bad); }
.card-detail { color: var(--muted); font-size: 12px; }
.note { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; }
.note ul { margin: 4px 0 0; padding-left: 20px; }
.note.warn { background: #fff4e6; }
.note.fault { background: #fff5f5; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px 24px; }
figure { margin: 0; min-width: 0; break-inside: avoid; }
figcaption { margin-bottom: 6px; }
figcaption p { margin: 2px 0 0; color: var(--muted); font-size: 12px; }
.chart { min-width: 0; overflow: hidden; }
.chart .u-legend { font-size: 12px; }
.chart .u-legend .u-series > * { padding: 1px 4px; }
.empty { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid #cbd2d9; }
.num { text-align: right; white-space: nowrap; }
table.facts th { width: 38%; font-weight: 500; color: var(--muted); }
.two-columns { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 24px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-weight: 650; font-size: 12px; color: #fff; }
.status.pass { background: var(--good); }
.status.fail { background: var(--bad); }
.status.skip { background: #9aa5b1; }
ul.examples { margin: 0; padding-left: 16px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .charts, .two-columns { grid-template-columns: minmax(0, 1fr); } }
@media print {
  main { max-width: none; padding: 0; }
  .charts, .two-columns { grid-template-columns: minmax(0, 1fr); }
  h2 { break-after: avoid; }
  tr, .card { break-inside: avoid; }
}
`;
