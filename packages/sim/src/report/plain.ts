// One line per second, for logs and CI (no TTY, or CI=true), and for terminals too narrow for the
// live view.
import type { SimStart, SimTick } from '../simulation.js';
import { progressToward } from './progress-goal.js';

export function formatStartLine(start: SimStart): string {
  const planned = `${start.plannedRequests} requests over ${start.plannedDurationMs / 1000}s`;
  const workers = start.workers > 1 ? `, ${start.workers} workers` : '';
  return start.stopsAtSellout
    ? `simulating run ${start.runId} until the sale of ${start.saleSize} sells out (at most ${planned})${workers}`
    : `simulating run ${start.runId}: ${planned}, sale of ${start.saleSize}${workers}`;
}

export function formatTickLine(tick: SimTick, start: SimStart | null): string {
  const outcomes = Object.entries(tick.outcomes)
    .map(([code, count]) => `${code}=${count}`)
    .join(' ');
  const sold = tick.itemsSold === null ? '' : ` sold=${tick.itemsSold}`;
  const progress =
    start === null
      ? `${Math.round(tick.elapsedMs / 1000)}s/${Math.round(tick.plannedDurationMs / 1000)}s`
      : progressToward(start, tick).text;
  return (
    `[${progress}] target=${tick.target}/s sent=${tick.sent}/s` +
    ` done=${tick.done}/s in_flight=${tick.inFlight} p50=${ms(tick.p50Ms)} p99=${ms(tick.p99Ms)}` +
    ` late=${tick.late} dropped=${tick.dropped} errors=${tick.errors} purchases=${tick.purchases}${sold}` +
    (outcomes === '' ? '' : ` | ${outcomes}`)
  );
}

function ms(value: number | null): string {
  return value === null ? '-' : `${value}ms`;
}
