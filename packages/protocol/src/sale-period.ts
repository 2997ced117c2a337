// Sale periods: the sale id is the index of the period, floor(unix ms / period length), so every
// service instance and every client agrees on the current sale without talking to the others.
import type { Milliseconds } from './duration.js';

export type SaleWindow = Readonly<{ saleId: number; startsAtMs: Milliseconds; endsAtMs: Milliseconds }>;

export function saleIdAt(nowMs: Milliseconds, saleDurationMs: Milliseconds): number {
  return Math.floor(nowMs / saleDurationMs);
}

export function saleWindow(saleId: number, saleDurationMs: Milliseconds): SaleWindow {
  return { saleId, startsAtMs: saleId * saleDurationMs, endsAtMs: (saleId + 1) * saleDurationMs };
}

/** When the period after the one running at `nowMs` starts. */
export function nextSaleStartMs(nowMs: Milliseconds, saleDurationMs: Milliseconds): Milliseconds {
  return saleWindow(saleIdAt(nowMs, saleDurationMs), saleDurationMs).endsAtMs;
}
