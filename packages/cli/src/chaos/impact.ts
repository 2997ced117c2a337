// What each fault cost, read from the ledger and Postgres after the run: requests answered 503 or
// left indeterminate (timeout, reset, 5xx) between the fault and shortly after recovery, and how
// many of those indeterminate ones turned out to have happened.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import type { FaultRecord } from './injector.js';

/** Requests still in flight when the service recovered belong to the fault too. */
const AFTER_RECOVERY_MS = 2000;

export type FaultImpact = FaultRecord & {
  recoveryMs: number | null;
  unavailable: number;
  indeterminate: number;
  /** Indeterminate requests that turned out to have happened (a row exists for them). */
  happened: number;
};

type Pending = { fault: number; requestId: string };

export async function measureImpact(
  ledgerPath: string,
  faults: readonly FaultRecord[],
  client: pg.Client,
): Promise<FaultImpact[]> {
  const impacts: FaultImpact[] = faults.map((f) => ({
    ...f,
    recoveryMs: f.atMs !== null && f.recoveredAtMs !== null ? f.recoveredAtMs - f.atMs : null,
    unavailable: 0,
    indeterminate: 0,
    happened: 0,
  }));
  const windows = faults.map((f) =>
    f.atMs === null
      ? null
      : { from: f.atMs, to: (f.recoveredAtMs ?? Number.POSITIVE_INFINITY) + AFTER_RECOVERY_MS },
  );
  const pending: Pending[] = [];
  const lines = createInterface({ input: createReadStream(ledgerPath), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (
      !line.includes('"type":"request"') ||
      (!line.includes('"outcome":"indeterminate"') && !line.includes('"status":503'))
    )
      continue;
    const entry = JSON.parse(line) as {
      request_id: string;
      endpoint: string;
      code: string | null;
      intended_ms: number;
      sent_ms: number | null;
      done_ms: number | null;
      status: number | null;
      outcome: string;
    };
    // Attributed by when the request ended: one in flight when the fault hit fails after it.
    const at = entry.done_ms ?? entry.sent_ms ?? entry.intended_ms;
    const fault = windows.findIndex((w) => w !== null && at >= w.from && at <= w.to);
    if (fault === -1) continue;
    if (entry.status === 503) impacts[fault]!.unavailable += 1;
    if (entry.outcome === 'indeterminate') {
      impacts[fault]!.indeterminate += 1;
      pending.push({ fault, requestId: entry.request_id });
    }
  }
  // A purchase the reconciler rolled forward keeps the request id that admitted it, so both
  // endpoints are matched by request id: only the request itself counts, not a later retry.
  const ids = pending.map((p) => p.requestId);
  const [attempted, bought] = await Promise.all([
    client.query<{ request_id: string }>(
      'SELECT DISTINCT request_id FROM checkout_attempts WHERE request_id = ANY($1::text[])',
      [ids],
    ),
    client.query<{ request_id: string }>(
      'SELECT request_id FROM purchases WHERE request_id = ANY($1::text[])',
      [ids],
    ),
  ]);
  const happened = new Set([...attempted.rows, ...bought.rows].map((r) => r.request_id));
  for (const p of pending) if (happened.has(p.requestId)) impacts[p.fault]!.happened += 1;
  return impacts;
}
