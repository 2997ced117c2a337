// One engine runs the schedule in this process or across worker processes; what it does around
// the schedule (reading and watching the sale, the start, the report) is the same code in both
// modes, and every moment it reports comes from one clock. Worker processes run the built child
// entry, so this test drives the built package (`pnpm test` builds first) in both modes.
import { describe, expect, it } from 'vitest';
import { parseSimOptions, type SimStart, simulate } from '../dist/index.js';
import { startShopServer } from './support/shop-server.js';

describe.each([1, 2])('a run with %d process(es)', (workers) => {
  it('starts on the moment its start event names, and a sale sold out by then is sold out at that moment', async () => {
    const server = await startShopServer({ saleSize: 3 });
    try {
      for (const item of [0, 1, 2]) {
        const hold = server.shop.checkout(`early${item}`, String(item));
        server.shop.purchase(String(hold.body.code));
      }
      const simulation = simulate(
        parseSimOptions({
          target: server.url,
          rps: 20,
          duration: '5s',
          untilSellout: true,
          workers,
          warmUp: '0',
          progress: 'none',
        }),
      );
      const starts: SimStart[] = [];
      simulation.on('start', (start) => starts.push(start));
      const report = await simulation.done;
      expect(starts).toHaveLength(1);
      expect(Date.parse(report.started_at)).toBe(starts[0]!.startedAtMs);
      expect(report.sale).toMatchObject({ sold: 3, sold_out_ms: 0 });
    } finally {
      await server.close();
    }
  });
});
