import { afterEach, describe, expect, it } from 'vitest';
import { parseSimOptions, simulate } from '../src/index.js';
import { createTempDir, readLedger, type TempDir } from './support/files.js';
import { startTrivialServer, type TrivialServer } from './support/trivial-server.js';

describe('the open loop', () => {
  let server: TrivialServer | null = null;
  let dir: TempDir | null = null;
  afterEach(async () => {
    await server?.close();
    dir?.remove();
  });

  it.each([
    { rps: 1000, durationMs: 3000 },
    { rps: 5000, durationMs: 3000 },
  ])(
    'sends $rps requests/s within 2% of the target, as the server counts them',
    async ({ rps, durationMs }) => {
      server = await startTrivialServer();
      dir = createTempDir();
      const ledgerPath = dir.path('ledger.jsonl');
      const options = parseSimOptions({
        target: server.url,
        rps,
        duration: durationMs,
        ledger: ledgerPath,
        seed: 7,
      });

      const report = await simulate(options).done;
      const arrivals = await server.arrivals();

      const planned = (rps * durationMs) / 1000;
      expect(report.dropped).toBe(0);
      expect(Math.abs(arrivals.count - planned) / planned).toBeLessThan(0.02);
      const serverSpanS = ((arrivals.lastMs ?? 0) - (arrivals.firstMs ?? 0)) / 1000;
      const serverRps = (arrivals.count - 1) / serverSpanS;
      expect(Math.abs(serverRps - rps) / rps).toBeLessThan(0.02);
      expect(Math.abs(report.achieved_rps - rps) / rps).toBeLessThan(0.02);
      expect(arrivals.uniqueIds).toBe(arrivals.count);

      const requests = readLedger(ledgerPath).filter((line) => line.type === 'request');
      expect(requests).toHaveLength(arrivals.count);
      expect(report.requests).toBe(arrivals.count);
      const intended = requests.map((line) => line.intended_ms as number).sort((a, b) => a - b);
      const gaps = intended.slice(1).map((time, i) => time - (intended[i] as number));
      for (const gap of gaps) expect(gap).toBeCloseTo(1000 / rps, 2);
    },
  );
});
