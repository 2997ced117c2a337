// Whether this instance can serve the current sale now: it is open here (in Postgres, with its
// Redis state). Asking starts opening it when nothing has; a sale still opening is "opening", not
// ready. /health/ready answers from this; the place for any other reason not to take traffic.
import { type Milliseconds, saleIdAt } from '@flashsale/protocol';
import { SaleMismatchError } from '../errors.js';
import type { SaleDeps } from './deps.js';

export type SaleReadiness = {
  status: 'ready' | 'not_ready';
  saleId: number;
  /** open: serving it; opening: being opened; mismatch: settings disagree with it; unavailable: a store failed. */
  sale: 'open' | 'opening' | 'mismatch' | 'unavailable';
  message?: string;
};

/** How long a readiness check waits for an opening it started before it answers "opening". */
const OPEN_WAIT_MS: Milliseconds = 500;

export async function saleReadiness(deps: SaleDeps, waitMs = OPEN_WAIT_MS): Promise<SaleReadiness> {
  const saleId = saleIdAt(deps.clock(), deps.config.saleDurationMs);
  if (deps.sales.state(saleId) === 'open') return { status: 'ready', saleId, sale: 'open' };
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => resolve('waiting'), waitMs);
  });
  try {
    const result = await Promise.race([deps.sales.open(saleId), waited]);
    if (result === 'waiting') return { status: 'not_ready', saleId, sale: 'opening' };
    return { status: 'ready', saleId, sale: 'open' };
  } catch (error) {
    if (error instanceof SaleMismatchError)
      return { status: 'not_ready', saleId, sale: 'mismatch', message: error.message };
    return { status: 'not_ready', saleId, sale: 'unavailable', message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
