// Reads simulator ledgers (JSONL) line by line, never as one string, and checks each line's shape.
// A line that is not a ledger line stops the verification with its file and line number (exit 2):
// a ledger the verifier cannot read is a check it cannot make.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CliError, ExitCode } from '../exit-codes.js';

export type LedgerEndpoint = 'checkout' | 'purchase';
export type LedgerOutcome = 'ok' | 'fail' | 'indeterminate';

/** One request line, as the verifier needs it (times and behaviour are not checked). */
export type LedgerRequest = {
  requestId: string;
  endpoint: LedgerEndpoint;
  userId: string | null;
  /** null also when the line's item id is not a safe integer (it was refused as invalid). */
  itemId: number | null;
  code: string | null;
  saleId: number | null;
  purchaseId: string | null;
  status: number | null;
  error: string | null;
  outcome: LedgerOutcome;
};

export type LedgerEntry =
  | { kind: 'request'; lineNumber: number; request: LedgerRequest }
  | { kind: 'fault'; lineNumber: number };

const endpoints: ReadonlySet<string> = new Set<LedgerEndpoint>(['checkout', 'purchase']);
const outcomes: ReadonlySet<string> = new Set<LedgerOutcome>(['ok', 'fail', 'indeterminate']);

/** Yields the entries of one ledger file; blank lines are skipped. */
export async function* readLedger(path: string): AsyncGenerator<LedgerEntry> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('ready', resolve);
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new CliError(
      `--ledger ${path}: cannot read it (${(error as Error).message})`,
      ExitCode.usageOrUnchecked,
      {
        cause: error,
      },
    );
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (text.trim() === '') continue;
      yield parseLine(text, path, lineNumber);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `--ledger ${path}: reading failed after line ${lineNumber} (${(error as Error).message})`,
      ExitCode.usageOrUnchecked,
      { cause: error },
    );
  } finally {
    lines.close();
    stream.destroy();
  }
}

function parseLine(text: string, path: string, lineNumber: number): LedgerEntry {
  const fail = (what: string): never => {
    throw new CliError(
      `--ledger ${path}:${lineNumber}: ${what}; expected a ledger line written by flashsale simulate`,
      ExitCode.usageOrUnchecked,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return fail('not a JSON object');
  const line = parsed as Record<string, unknown>;
  if (line.type === 'fault') return { kind: 'fault', lineNumber };
  if (line.type !== 'request')
    return fail(`"type" is ${JSON.stringify(line.type)}, not "request" or "fault"`);

  const requestId = line.request_id;
  if (typeof requestId !== 'string' || requestId === '')
    return fail('"request_id" is not a non-empty string');
  const endpoint = line.endpoint;
  if (typeof endpoint !== 'string' || !endpoints.has(endpoint))
    return fail('"endpoint" is not checkout or purchase');
  const outcome = line.outcome;
  if (typeof outcome !== 'string' || !outcomes.has(outcome))
    return fail('"outcome" is not ok, fail or indeterminate');
  const status = line.status ?? null;
  if (
    status !== null &&
    !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)
  ) {
    return fail('"status" is not an HTTP status or null');
  }
  const saleId = line.sale_id ?? null;
  if (saleId !== null && !Number.isSafeInteger(saleId)) return fail('"sale_id" is not an integer or null');
  const itemId = line.item_id ?? null;
  if (itemId !== null && typeof itemId !== 'number') return fail('"item_id" is not a number or null');

  return {
    kind: 'request',
    lineNumber,
    request: {
      requestId,
      endpoint: endpoint as LedgerEndpoint,
      userId: textOrNull(line.user_id, '"user_id"', fail),
      itemId: itemId !== null && Number.isSafeInteger(itemId) ? itemId : null,
      code: textOrNull(line.code, '"code"', fail),
      saleId: saleId as number | null,
      purchaseId: textOrNull(line.purchase_id, '"purchase_id"', fail),
      status: status as number | null,
      error: textOrNull(line.error, '"error"', fail),
      outcome: outcome as LedgerOutcome,
    },
  };
}

function textOrNull(value: unknown, name: string, fail: (what: string) => never): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : fail(`${name} is not a string or null`);
}
