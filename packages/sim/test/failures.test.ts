import { afterEach, describe, expect, it } from 'vitest';
import { parseSimOptions, simulate } from '../src/index.js';
import { createTempDir, type LedgerLine, readLedger, type TempDir } from './support/files.js';
import { startTrivialServer, type TrivialServer } from './support/trivial-server.js';

describe('requests without an answer', () => {
  let server: TrivialServer | null = null;
  let dir: TempDir | null = null;
  afterEach(async () => {
    await server?.close();
    dir?.remove();
  });

  async function runAgainst(breakServer: (server: TrivialServer) => void, timeout: string) {
    server = await startTrivialServer();
    dir = createTempDir();
    const ledgerPath = dir.path('ledger.jsonl');
    breakServer(server);
    const report = await simulate(
      parseSimOptions({
        target: server.url,
        rps: 50,
        duration: '1s',
        timeout,
        ledger: ledgerPath,
        warmUp: '0',
      }),
    ).done;
    return { report, lines: readLedger(ledgerPath) };
  }

  const isUnanswered = (line: LedgerLine, error: string) =>
    line.status === null &&
    line.error === error &&
    line.outcome === 'indeterminate' &&
    typeof line.sent_ms === 'number' &&
    typeof line.done_ms === 'number';

  it('a request with no answer by --timeout is indeterminate, error timeout, and counts as an error', async () => {
    const { report, lines } = await runAgainst((target) => target.stall(5000), '300ms');
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(isUnanswered(line, 'timeout')).toBe(true);
    expect(report.errors).toBe(50);
    const { checkout, purchase } = report.by_endpoint;
    expect((checkout.outcomes.timeout ?? 0) + (purchase.outcomes.timeout ?? 0)).toBe(50);
    expect(report.latency_ms.p50).toBeGreaterThanOrEqual(300);
  });

  it('a connection lost after the request was written is indeterminate, error connection', async () => {
    const { report, lines } = await runAgainst((target) => target.reset(5000), '2s');
    expect(lines).toHaveLength(50);
    for (const line of lines) expect(isUnanswered(line, 'connection')).toBe(true);
    expect(report.errors).toBe(50);
    const { checkout, purchase } = report.by_endpoint;
    expect((checkout.outcomes.connection ?? 0) + (purchase.outcomes.connection ?? 0)).toBe(50);
  });
});
