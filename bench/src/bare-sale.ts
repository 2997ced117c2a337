// The sale the bare server answers GET /sale with. The service's sale id is the index of its
// period, floor(unix time / period) (SPEC section 1), and the simulator dates each purchase from
// sale id x period (end minus start): so the bare sale is such a period, opened as the server
// started, as `flashsale run` picks one (cli run/fresh-sale.ts), only looking back rather than ahead.
import { type Milliseconds, type SaleWindow, saleIdAt, saleWindow } from '@flashsale/protocol';

/**
 * The latest period that opened at a whole second at or before `startedAtMs` and lasts between
 * `minDurationMs` and twice that (whole seconds): a second has such a period when it divides by
 * one of the durations, that is when one of the sale ids in range divides it.
 */
export function saleOpenedBy(startedAtMs: Milliseconds, minDurationMs: Milliseconds): SaleWindow {
  const minS = Math.ceil(minDurationMs / 1000);
  for (let startS = Math.floor(startedAtMs / 1000); startS > 0; startS--) {
    // Longest period first: the fewest sales, as a service with a long SALE_DURATION has.
    for (let saleId = Math.ceil(startS / (2 * minS)); saleId <= Math.floor(startS / minS); saleId++) {
      if (startS % saleId !== 0) continue;
      const durationMs = (startS / saleId) * 1000;
      return saleWindow(saleIdAt(startS * 1000, durationMs), durationMs);
    }
  }
  throw new Error(`no sale period of at least ${minDurationMs} ms opened by ${startedAtMs}`);
}
