// The bare server answers GET /sale with a period the service could answer: its sale id is the
// index of the period (floor(unix time / period)) and it opened as the server started, so the
// simulator's purchase times from the opening are seconds, not the one-hour clamp.

import { readSaleAnswer } from '@flashsale/protocol';
import { parseSimOptions, simulate } from '@flashsale/sim';
import hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { startBareServer } from '../src/bare-baseline.js';
import { saleOpenedBy } from '../src/bare-sale.js';

const dayMs = 86_400_000;

describe('saleOpenedBy', () => {
  it.each([
    ['a round minute', '2026-11-30T22:00:00.000Z'],
    ['a moment within a second', '2026-11-30T22:07:31.918Z'],
    ['a prime number of seconds', new Date(1_796_076_019 * 1000).toISOString()],
    ['the epoch of 2030', '2030-01-01T00:00:00.000Z'],
  ])('at %s, is a period of one to two days that opened within a minute before', (_name, at) => {
    const startedAtMs = Date.parse(at);
    const { saleId, startsAtMs, endsAtMs } = saleOpenedBy(startedAtMs, dayMs);
    const durationMs = endsAtMs - startsAtMs;
    expect(durationMs).toBeGreaterThanOrEqual(dayMs);
    expect(durationMs).toBeLessThanOrEqual(2 * dayMs);
    expect(startsAtMs).toBe(saleId * durationMs);
    expect(Math.floor(startedAtMs / durationMs)).toBe(saleId);
    expect(startsAtMs).toBeLessThanOrEqual(startedAtMs);
    expect(startsAtMs).toBeGreaterThan(startedAtMs - 60_000);
  });
});

async function readJson(url: string, method = 'GET'): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method });
  return (await response.json()) as Record<string, unknown>;
}

describe('the bare server', () => {
  it.each([1, 2])(
    'with %i worker(s), answers one sale whose id is its period index, opened as it started',
    async (workers) => {
      const launchedAtMs = Date.now();
      const bare = await startBareServer({ workers });
      try {
        const sales = await Promise.all(
          Array.from({ length: 4 }, async () =>
            readSaleAnswer(JSON.stringify(await readJson(`${bare.url}/sale`))),
          ),
        );
        const sale = sales[0]!;
        expect(sales.slice(1)).toEqual([sale, sale, sale]);
        const periodMs = sale.endsAtMs! - sale.startsAtMs!;
        expect(sale.startsAtMs).toBe(sale.saleId! * periodMs);
        expect(sale.startsAtMs).toBeLessThanOrEqual(Date.now());
        expect(sale.startsAtMs).toBeGreaterThan(launchedAtMs - 60_000);
        const checkout = await readJson(`${bare.url}/checkout?user_id=u1&id=7`, 'POST');
        expect(checkout).toMatchObject({ sale_id: sale.saleId, item_id: 7 });
        expect(String(checkout.code)).toMatch(new RegExp(`^${sale.saleId}\\.`));
      } finally {
        await bare.process.stop(5_000);
      }
    },
  );

  it("has the simulator date every purchase from the sale's opening, before the run ended", async () => {
    const bare = await startBareServer();
    try {
      const report = await simulate(
        parseSimOptions({
          target: bare.url,
          rps: 200,
          duration: '1s',
          seed: 7,
          warmUp: '0',
          progress: 'none',
        }),
      ).done;
      const [sale] = report.sales ?? [];
      expect(sale?.purchases).toBeGreaterThan(0);
      const purchaseAt = hdr.decodeFromCompressedBase64(sale!.histograms.purchase_at_us, 32, false);
      expect(purchaseAt.totalCount).toBe(sale!.purchases);
      expect(purchaseAt.maxValue / 1000).toBeLessThanOrEqual(Date.now() - Date.parse(sale!.starts_at!));
    } finally {
      await bare.process.stop(5_000);
    }
  });
});
