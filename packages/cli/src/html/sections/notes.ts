// What a reader must know before trusting the figures: the generator's own warnings, and the
// faults the run injected (they are also marked on every time chart).
import type { SimReport } from '@flashsale/sim';
import type { AnyVerifyJson } from '../../output/json.js';
import { formatDurationMs } from '../figures.js';
import { escapeHtml } from '../html-text.js';
import { isInterrupted } from './headline.js';
import { renderTable } from './html-table.js';

export function renderNotes(sim: SimReport, verify?: AnyVerifyJson): string {
  const parts: string[] = [];
  if (isInterrupted(sim, verify)) {
    const verified =
      verify === undefined
        ? 'It was stopped before verifying.'
        : 'The sale was verified as it stood; sell-out was not applicable.';
    parts.push(
      `<div class="note warn"><strong>Interrupted</strong> The run was cut short (Ctrl-C) after ${escapeHtml(
        formatDurationMs(sim.duration_ms),
      )} of load. ${verified}</div>`,
    );
  }
  if (sim.generator.warnings.length > 0) {
    const items = sim.generator.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('\n');
    parts.push(`<div class="note warn"><strong>Load generator</strong><ul>\n${items}\n</ul></div>`);
  }
  if (sim.faults.length > 0) {
    const startedAtMs = Date.parse(sim.started_at);
    const rows = sim.faults.map((fault) => [
      `+${formatDurationMs(fault.at_ms - startedAtMs)}`,
      fault.kind,
      fault.detail ?? '',
    ]);
    parts.push(
      `<div class="note fault"><strong>Faults injected</strong> (red on the time charts)\n${renderTable(
        [{ title: 'at' }, { title: 'kind' }, { title: 'detail' }],
        rows,
      )}</div>`,
    );
  }
  return parts.length === 0 ? '' : `<section class="notes">\n${parts.join('\n')}\n</section>`;
}
