// Marks on every time axis: each fault the run recorded (chaos), shaded until it recovered, where
// each sale opened during the run (a rollover), and the moment each sale sold out.
import type { FaultReport, SimReport } from '@flashsale/sim';
import type { MarkerSpec } from '../chart-spec.js';
import { formatDurationMs } from '../figures.js';

const faultColor = '#c92a2a';
const faultShade = 'rgba(250, 82, 82, 0.12)';
const selloutColor = '#2b8a3e';
const openingColor = '#1864ab';

/** Chaos marks a fault `kind` when it is injected and `kind:recovered` when the service answers again. */
const recoveredSuffix = ':recovered';

/** A fault followed by its recovery is a shaded span labelled with the outage; any other mark a line. */
export function faultMarkers(sim: SimReport): MarkerSpec[] {
  const startedAtMs = Date.parse(sim.started_at);
  const secondsOf = (atMs: number) => (atMs - startedAtMs) / 1000;
  const faults = [...sim.faults].sort((a, b) => a.at_ms - b.at_ms);
  const pairedRecoveries = new Set<FaultReport>();
  const markers: MarkerSpec[] = [];
  for (const fault of faults) {
    if (pairedRecoveries.has(fault)) continue;
    const recovery = faults.find(
      (later) =>
        later.kind === `${fault.kind}${recoveredSuffix}` &&
        later.at_ms >= fault.at_ms &&
        !pairedRecoveries.has(later),
    );
    if (recovery === undefined || fault.kind.endsWith(recoveredSuffix)) {
      markers.push({ x: secondsOf(fault.at_ms), label: fault.kind, color: faultColor });
      continue;
    }
    pairedRecoveries.add(recovery);
    markers.push({
      x: secondsOf(fault.at_ms),
      untilX: secondsOf(recovery.at_ms),
      label: `${fault.kind} ${formatDurationMs(recovery.at_ms - fault.at_ms)}`,
      color: faultColor,
      shade: faultShade,
    });
  }
  return markers;
}

/** Where each sale that opened while the load ran opened: the top of the hour. */
export function saleOpeningMarkers(sim: SimReport): MarkerSpec[] {
  const startedAtMs = Date.parse(sim.started_at);
  return (sim.sales ?? [])
    .filter((sale) => sale.opened_during_run && sale.starts_at !== null)
    .map((sale) => ({
      x: (Date.parse(sale.starts_at as string) - startedAtMs) / 1000,
      label: `sale ${sale.sale_id} opens`,
      color: openingColor,
    }));
}

/** When the sale sold out; with several sales, when each did (from its own opening). */
export function selloutMarker(sim: SimReport): MarkerSpec[] {
  const startedAtMs = Date.parse(sim.started_at);
  const sales = (sim.sales ?? []).filter((sale) => sale.starts_at !== null);
  if (sales.length > 1) {
    return sales
      .filter((sale) => sale.sold_out_ms !== null)
      .map((sale) => ({
        x: (Date.parse(sale.starts_at as string) + (sale.sold_out_ms as number) - startedAtMs) / 1000,
        label: `sale ${sale.sale_id} sold out`,
        color: selloutColor,
      }));
  }
  const soldOutMs = sim.sale.sold_out_ms;
  return soldOutMs === null ? [] : [{ x: soldOutMs / 1000, label: 'sold out', color: selloutColor }];
}
