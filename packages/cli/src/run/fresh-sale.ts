// `flashsale run` wants a sale of its own that starts now and outlasts the run, even when it
// shares a database with earlier runs. Sale ids are floor(unix seconds / SALE_DURATION), so it
// picks a whole-second duration whose next period starts within a moment and whose sale id is
// not taken yet.

export type FreshSale = { saleDurationMs: number; saleId: number; startsAtMs: number };

export type FreshSaleQuery = {
  nowMs: number;
  /** The sale must last at least this long. */
  minDurationMs: number;
  maxDurationMs: number;
  /** Longest acceptable wait for the period to start. */
  maxWaitMs: number;
  isTaken: (saleId: number) => Promise<boolean>;
};

export async function pickFreshSale(query: FreshSaleQuery): Promise<FreshSale | undefined> {
  const nowS = query.nowMs / 1000;
  const minS = Math.ceil(query.minDurationMs / 1000);
  const maxS = Math.floor(query.maxDurationMs / 1000);
  for (let durationS = minS; durationS <= maxS; durationS++) {
    const saleId = Math.ceil(nowS / durationS);
    const startsAtMs = saleId * durationS * 1000;
    // Leave a small margin so the period has surely begun when the load starts.
    if (startsAtMs - query.nowMs > query.maxWaitMs || startsAtMs - query.nowMs < 50) continue;
    if (await query.isTaken(saleId)) continue;
    return { saleDurationMs: durationS * 1000, saleId, startsAtMs };
  }
  return undefined;
}
