// One line per second, for logs and CI (no TTY, or CI=true).
import type { SimStart, SimTick } from '../simulation.js';

export function formatStartLine(start: SimStart): string {
  return (
    `simulating run ${start.runId}: ${start.plannedRequests} requests over ${start.plannedDurationMs / 1000}s` +
    `, sale of ${start.saleSize}${start.workers > 1 ? `, ${start.workers} workers` : ''}`
  );
}

export function formatTickLine(tick: SimTick): string {
  const elapsedS = Math.round(tick.elapsedMs / 1000);
  const outcomes = Object.entries(tick.outcomes)
    .map(([code, count]) => `${code}=${count}`)
    .join(' ');
  const sold = tick.itemsSold === null ? '' : ` sold=${tick.itemsSold}`;
  return (
    `[${elapsedS}s/${Math.round(tick.plannedDurationMs / 1000)}s] target=${tick.target}/s sent=${tick.sent}/s` +
    ` done=${tick.done}/s in_flight=${tick.inFlight} p50=${ms(tick.p50Ms)} p99=${ms(tick.p99Ms)}` +
    ` late=${tick.late} dropped=${tick.dropped} errors=${tick.errors} purchases=${tick.purchases}${sold}` +
    (outcomes === '' ? '' : ` | ${outcomes}`)
  );
}

function ms(value: number | null): string {
  return value === null ? '-' : `${value}ms`;
}
