// The open loop as the code decides it, not as a busy machine manages it: the slots it schedules
// (one every 1000/rps ms from the start, per second exactly the target), every slot sent or counted
// dropped, and the server receiving each sent request once. How fast a machine keeps up is
// measured by `pnpm bench`, never asserted here.
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
    { rps: 1000, durationMs: 2000 },
    { rps: 5000, durationMs: 1000 },
  ])(
    'at $rps requests/s schedules a slot every 1000/rps ms, sends each once, and the server counts them all',
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
      expect(report.scheduled).toBe(planned);
      expect(report.requests + report.dropped).toBe(planned);
      expect(report.timeline.slice(0, durationMs / 1000).map((second) => second.target)).toEqual(
        new Array(durationMs / 1000).fill(rps),
      );
      expect(arrivals.count).toBe(report.requests);
      expect(arrivals.uniqueIds).toBe(arrivals.count);

      const requests = readLedger(ledgerPath).filter((line) => line.type === 'request');
      expect(requests).toHaveLength(report.requests);
      const intended = requests.map((line) => line.intended_ms as number).sort((a, b) => a - b);
      // Slot i is due at start + i * 1000/rps, late or not (a dropped slot leaves its index out);
      // within the ledger's microsecond rounding of epoch times.
      const slotMs = 1000 / rps;
      const slots = intended.map((time) => Math.round((time - intended[0]!) / slotMs));
      intended.forEach((time, i) => {
        expect(Math.abs(time - intended[0]! - slots[i]! * slotMs)).toBeLessThan(0.005);
      });
      expect(new Set(slots).size).toBe(slots.length);
      expect(Math.max(...slots)).toBeLessThan(planned);
    },
  );
});
