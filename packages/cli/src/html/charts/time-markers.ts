// Marks on every time axis: each fault the run recorded (chaos), and the moment the sale sold out.
import type { SimReport } from '@flashsale/sim';
import type { MarkerSpec } from '../chart-spec.js';

const faultColor = '#c92a2a';
const selloutColor = '#2b8a3e';

export function faultMarkers(sim: SimReport): MarkerSpec[] {
  const startedAtMs = Date.parse(sim.started_at);
  return sim.faults.map((fault) => ({
    x: (fault.at_ms - startedAtMs) / 1000,
    label: fault.kind,
    color: faultColor,
  }));
}

export function selloutMarker(sim: SimReport): MarkerSpec[] {
  const soldOutMs = sim.sale.sold_out_ms;
  return soldOutMs === null ? [] : [{ x: soldOutMs / 1000, label: 'sold out', color: selloutColor }];
}
