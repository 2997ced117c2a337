// What each fault cost, read from the ledger and Postgres after the run: requests answered 503 or
// left indeterminate (timeout, reset, 5xx) between the fault and shortly after recovery, and how
// many of those indeterminate ones turned out to have happened. The ledger is read through the
// verifier's reader, so its lines are checked and typed here as there.
import type pg from 'pg';
import { readLedger } from '../verify/ledger.js';
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
  for await (const batch of readLedger(ledgerPath)) {
    for (const entry of batch) {
      if (entry.kind !== 'request') continue;
      const { request } = entry;
      if (request.outcome !== 'indeterminate' && request.status !== 503) continue;
      // Attributed by when the request ended: one in flight when the fault hit fails after it.
      const at = request.doneMs ?? request.sentMs ?? request.intendedMs;
      const fault = windows.findIndex((w) => w !== null && at >= w.from && at <= w.to);
      if (fault === -1) continue;
      if (request.status === 503) impacts[fault]!.unavailable += 1;
      if (request.outcome === 'indeterminate') {
        impacts[fault]!.indeterminate += 1;
        pending.push({ fault, requestId: request.requestId });
      }
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
