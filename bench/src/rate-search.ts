// The highest fixed rate that passes a test, found in a bounded number of runs: from a starting
// rate, step up (or down) by a factor until the verdict flips, then halve the gap between the
// best pass and the lowest failure while runs remain. Runs are kept by rate in `measured`, so a
// second search with another test over the same runs re-measures nothing it has seen.

export type RateSearch<T> = Readonly<{
  startRps: number;
  maxRuns: number;
  isPass: (run: T) => boolean;
  measure: (rps: number) => Promise<T>;
  measured?: Map<number, T>;
  factor?: number;
  /** Stop once the gap between the best pass and the lowest failure is this share of the latter. */
  resolution?: number;
  minRps?: number;
  maxRps?: number;
}>;

export type RateVerdict = Readonly<{
  maxRps: number | null;
  lowestFailRps: number | null;
  /** Every pass lies below every failure (on a noisy box a rate may pass above one that failed). */
  isMonotonic: boolean;
}>;

export async function searchMaxRate<T>({
  startRps,
  maxRuns,
  isPass,
  measure,
  measured = new Map<number, T>(),
  factor = 1.5,
  resolution = 0.05,
  minRps = 100,
  maxRps = 100_000,
}: RateSearch<T>): Promise<RateVerdict & { measured: Map<number, T> }> {
  const roundRate = (rps: number) => Math.max(minRps, Math.min(maxRps, Math.round(rps / 50) * 50));
  let runs = 0;
  let rps = roundRate(startRps);
  for (let step = 0; step < 100; step++) {
    if (!measured.has(rps)) {
      if (runs >= maxRuns) break;
      measured.set(rps, await measure(rps));
      runs += 1;
    }
    const { maxRps: bestPass, lowestFailRps: lowestFail } = verdictOf(measured, isPass);
    let next: number;
    if (lowestFail === null) next = Math.max(rps, bestPass ?? 0) * factor;
    else if (bestPass === null) next = Math.min(rps, lowestFail) / factor;
    else next = (bestPass + lowestFail) / 2;
    next = roundRate(next);
    const isSettled =
      (bestPass !== null && lowestFail !== null && (lowestFail - bestPass) / lowestFail <= resolution) ||
      (bestPass !== null && bestPass > (lowestFail ?? Number.POSITIVE_INFINITY)) || // noise: report it as it is
      next === rps ||
      (bestPass === null && rps <= minRps) ||
      (lowestFail === null && rps >= maxRps);
    if (isSettled) break;
    rps = next;
  }
  return { ...verdictOf(measured, isPass), measured };
}

/** The highest passing and the lowest failing rate among runs. */
export function verdictOf<T>(measured: ReadonlyMap<number, T>, isPass: (run: T) => boolean): RateVerdict {
  let maxRps: number | null = null;
  let lowestFailRps: number | null = null;
  for (const [rps, run] of measured) {
    if (isPass(run)) maxRps = Math.max(maxRps ?? 0, rps);
    else lowestFailRps = Math.min(lowestFailRps ?? Number.POSITIVE_INFINITY, rps);
  }
  const isMonotonic = maxRps === null || lowestFailRps === null || maxRps < lowestFailRps;
  return { maxRps, lowestFailRps, isMonotonic };
}
