// Streams the ledger files into the temp table verify_ledger with COPY FROM STDIN, keeping only
// the lines that can be matched for the verified sale, so the ledger invariants run set-based.
// Which lines are kept:
//   - checkouts that got an answer other than 400 or 5xx (those are the ones Postgres must have),
//     of this sale or of no known sale (a refusal's answer carries no sale id);
//   - purchases of this sale (by sale id, or the `<sale id>.` prefix of their code) or of none.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LedgerRequest } from '@flashsale/protocol';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { readLedger } from './ledger.js';
import { saleOfRequest } from './ledger-sales.js';
import type { LedgerSummary } from './report.js';

const createTable = readFileSync(new URL('./ledger-table.sql', import.meta.url), 'utf8');

const COPY_SQL =
  'COPY verify_ledger (line_id, file_index, line_number, request_id, attempt_id, endpoint, sale_id, user_id,' +
  ' item_id, code, purchase_id, status, error, outcome) FROM STDIN';
const CHUNK_ROWS = 2000;

export async function loadLedger(
  client: pg.ClientBase,
  paths: readonly string[],
  saleId: number,
): Promise<LedgerSummary> {
  const summary: LedgerSummary = {
    files: [...paths],
    lines: 0,
    requests: 0,
    faults: 0,
    checkoutsLoaded: 0,
    purchasesLoaded: 0,
    otherSales: 0,
    checkoutsUnanswered: 0,
  };
  await client.query(createTable);
  await pipeline(Readable.from(copyRows(paths, saleId, summary)), client.query(copyFrom(COPY_SQL)));
  await client.query('ANALYZE verify_ledger'); // so the planner joins millions of lines by hash
  return summary;
}

async function* copyRows(paths: readonly string[], saleId: number, summary: LedgerSummary) {
  let rows: string[] = [];
  let lineId = 0;
  for (const [fileIndex, path] of paths.entries()) {
    for await (const batch of readLedger(path)) {
      for (const entry of batch) {
        summary.lines += 1;
        if (entry.kind === 'fault') {
          summary.faults += 1;
          continue;
        }
        summary.requests += 1;
        const request = entry.request;
        if (!isKept(request, saleId, summary)) continue;
        lineId += 1;
        rows.push(copyRow(lineId, fileIndex, entry.lineNumber, request));
      }
      if (rows.length >= CHUNK_ROWS) {
        yield Buffer.from(rows.join(''));
        rows = [];
      }
    }
  }
  if (rows.length > 0) yield Buffer.from(rows.join(''));
}

function isKept(request: LedgerRequest, saleId: number, summary: LedgerSummary): boolean {
  const saleOfLine = saleOfRequest(request);
  if (saleOfLine !== null && saleOfLine !== saleId) {
    summary.otherSales += 1;
    return false;
  }
  if (request.endpoint === 'purchase') {
    summary.purchasesLoaded += 1;
    return true;
  }
  const { status } = request;
  // Not an attempt: unanswered, refused as bad input (400), answered before the service had the
  // request (408: node:http's timeout, which also ends a connection opened and left idle past the
  // headers timeout, so a request a client sent on it just then reads that 408), or 5xx.
  if (status === null || status === 400 || status === 408 || status >= 500) {
    summary.checkoutsUnanswered += 1;
    return false;
  }
  summary.checkoutsLoaded += 1;
  return true;
}

function copyRow(lineId: number, fileIndex: number, lineNumber: number, r: LedgerRequest): string {
  return (
    `${lineId}	${fileIndex}	${lineNumber}	${text(r.requestId)}	${text(uuidOrNull(r.attemptId))}	${r.endpoint}	${num(r.saleId)}` +
    `	${text(r.userId)}	${num(itemIdOf(r.itemId))}	${text(r.code)}	${text(r.purchaseId)}	${num(r.status)}` +
    `\t${text(r.error)}\t${r.outcome}\n`
  );
}

/** An item id that is not a safe integer was refused as invalid; it matches nothing. */
function itemIdOf(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) ? value : null;
}

function num(value: number | null): string {
  return value === null ? '\\N' : String(value);
}

const needsEscape = /[\\\t\n\r\0]/;

// COPY text format: backslash, tab, newline and carriage return are escaped; Postgres text cannot
// hold NUL, so a NUL (only ever in a deliberately malformed code or id) becomes U+FFFD.
function text(value: string | null): string {
  if (value === null) return '\\N';
  if (!needsEscape.test(value)) return value;
  return value.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD',
  );
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Attempt ids are the service's uuids; anything else (another service's ids) cannot match a row. */
function uuidOrNull(id: string | null): string | null {
  return id !== null && uuidPattern.test(id) ? id : null;
}
