// Sale periods: the sale id is the index of the period, floor(unix time / duration), so every
// instance agrees on the current sale without talking to the others.
import type { Milliseconds } from '../config/duration.js';

/** The current time in epoch milliseconds; injected so expiry can be tested without sleeping. */
export type Clock = () => Milliseconds;

export const systemClock: Clock = () => Date.now();

export type SaleWindow = { saleId: number; startsAtMs: Milliseconds; endsAtMs: Milliseconds };

export function saleIdAt(nowMs: Milliseconds, saleDurationMs: Milliseconds): number {
  return Math.floor(nowMs / saleDurationMs);
}

export function saleWindow(saleId: number, saleDurationMs: Milliseconds): SaleWindow {
  return { saleId, startsAtMs: saleId * saleDurationMs, endsAtMs: (saleId + 1) * saleDurationMs };
}
