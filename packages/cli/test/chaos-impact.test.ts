// What a fault cost is read from the ledger through the protocol's decoder: requests answered 503
// or left indeterminate while the fault lasted (and shortly after) count against it, and an
// indeterminate one counts as happened when Postgres has its row.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFaultLine, formatRequestLine, type LedgerRequest } from '@flashsale/protocol';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, query, type TestDatabase } from '../../server/test/support/db.js';
import { measureImpact } from '../src/chaos/impact.js';
import type { FaultRecord } from '../src/chaos/injector.js';

const faultAtMs = 1_764_061_000_000;
const recoveredAtMs = faultAtMs + 3000;

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'flashsale-impact-'));
});
afterAll(async () => {
  await db?.drop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const request = (
  requestId: string,
  doneMs: number | null,
  fields: Partial<LedgerRequest>,
): LedgerRequest => ({
  requestId,
  endpoint: 'checkout',
  behaviour: 'normal',
  userId: 'ann',
  itemId: 1,
  code: null,
  saleId: null,
  purchaseId: null,
  issuedUserId: null,
  issuedItemId: null,
  reportedItemId: null,
  expiresMs: null,
  attemptId: null,
  isReplayed: false,
  intendedMs: faultAtMs - 5000,
  sentMs: faultAtMs - 5000,
  doneMs,
  status: 200,
  error: null,
  outcome: 'ok',
  ...fields,
});
const timedOut = { status: null, error: 'timeout', outcome: 'indeterminate' } as const;
const unavailable = { status: 503, error: 'unavailable', outcome: 'indeterminate' } as const;

it('counts the 503s and indeterminate requests of a fault, and which of those happened', async () => {
  const path = join(dir, 'ledger.jsonl');
  const lines = [
    request('before', faultAtMs - 1, timedOut),
    formatFaultLine({ kind: 'pg-drop', atMs: faultAtMs, detail: 'injected' }),
    request('cut-off-and-written', faultAtMs + 10, timedOut),
    request('cut-off', faultAtMs + 20, timedOut),
    request('refused', faultAtMs + 30, unavailable),
    request('answered', faultAtMs + 40, {}),
    // No answer at all: attributed by when it was sent.
    request('in-flight-at-recovery', null, { ...timedOut, sentMs: recoveredAtMs + 1000 }),
    request('long-after', recoveredAtMs + 2001, timedOut),
  ];
  await writeFile(
    path,
    lines.map((line) => (typeof line === 'string' ? line : formatRequestLine(line))).join(''),
  );
  await query(
    db.url,
    `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
     VALUES (gen_random_uuid(), 'cut-off-and-written', 1, 'ann', 1, 'sold_out', NULL, NULL, now())`,
  );
  const fault: FaultRecord = {
    kind: 'pg-drop',
    atMs: faultAtMs,
    detail: 'dropped 2',
    evidence: null,
    recoveredAtMs,
  };
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    expect(await measureImpact(path, [fault], client)).toEqual([
      { ...fault, recoveryMs: 3000, unavailable: 1, indeterminate: 4, happened: 1 },
    ]);
  } finally {
    await client.end();
  }
});
