// The sale layer's readiness (what GET /health/ready answers from): a sale still being opened is
// "opening", one this instance's settings disagree with is "mismatch", an open one "open".
import { describe, expect, it } from 'vitest';
import { SaleMismatchError } from '../src/errors.js';
import type { SaleDeps } from '../src/sale/deps.js';
import { saleReadiness } from '../src/sale/readiness.js';
import type { SaleInfo } from '../src/store/sale-store.js';

const DAY_MS = 86_400_000;
const NOW_MS = 20_000 * DAY_MS + 5_000;

/** Sale deps with a sale book whose opening the test settles by hand. */
function depsWith(open: () => Promise<SaleInfo>) {
  let isOpen = false;
  const deps = {
    clock: () => NOW_MS,
    config: { saleDurationMs: DAY_MS },
    sales: {
      state: () => (isOpen ? 'open' : 'not_open'),
      open: () =>
        open().then((sale) => {
          isOpen = true;
          return sale;
        }),
    },
  } as unknown as SaleDeps;
  return deps;
}

describe('saleReadiness', () => {
  it('is not ready while the current sale is still opening, and ready once it is open', async () => {
    let finish!: (sale: SaleInfo) => void;
    const opening = new Promise<SaleInfo>((resolve) => {
      finish = resolve;
    });
    const deps = depsWith(() => opening);
    expect(await saleReadiness(deps, 10)).toEqual({ status: 'not_ready', saleId: 20_000, sale: 'opening' });
    finish({} as SaleInfo);
    await opening;
    expect(await saleReadiness(deps, 10)).toEqual({ status: 'ready', saleId: 20_000, sale: 'open' });
  });

  it('is not ready, saying mismatch and why, when the settings disagree with the sale as stored', async () => {
    const deps = depsWith(() =>
      Promise.reject(
        new SaleMismatchError('--sale-size', '--sale-size is 5 here, but sale 20000 was opened with 6 items'),
      ),
    );
    expect(await saleReadiness(deps, 10)).toEqual({
      status: 'not_ready',
      saleId: 20_000,
      sale: 'mismatch',
      message: '--sale-size is 5 here, but sale 20000 was opened with 6 items',
    });
  });
});
