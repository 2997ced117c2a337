// How far a run is toward what ends it, for the live view and the plain lines alike: the items
// sold of the sale with --until-sellout (the duration then only caps the run), the planned
// duration otherwise.
import type { SimStart, SimTick } from '../simulation.js';

export type ProgressGoal = Readonly<{
  /** 0..1 of the way to the end. */
  share: number;
  /** `42s/120s`, or `42s, sold 4000/10000` toward a sell-out. */
  text: string;
  /** What ends the run, for a reader: `until sell-out, at most 120s`; empty for a duration. */
  endsWhen: string;
}>;

export function progressToward(start: SimStart, tick: SimTick | null): ProgressGoal {
  const elapsedS = Math.round((tick?.elapsedMs ?? 0) / 1000);
  const plannedS = Math.round(start.plannedDurationMs / 1000);
  if (start.stopsAtSellout) {
    // Items sold per GET /sale; what this run bought until the first reading.
    const sold = tick === null ? 0 : (tick.itemsSold ?? tick.purchases);
    return {
      share: Math.min(1, sold / Math.max(start.saleSize, 1)),
      text: `${elapsedS}s, sold ${sold}/${start.saleSize}`,
      endsWhen: `until sell-out, at most ${plannedS}s`,
    };
  }
  return {
    share: Math.min(1, (tick?.elapsedMs ?? 0) / Math.max(start.plannedDurationMs, 1)),
    text: `${elapsedS}s/${plannedS}s`,
    endsWhen: '',
  };
}
