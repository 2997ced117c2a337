// Reads ledger files (JSONL) a chunk at a time, never as one string, every line through the
// decoder. A line that is not a ledger line stops the reading, naming its file and line number:
// a ledger that cannot be read is a check that cannot be made.
import { createReadStream } from 'node:fs';
import { decodeLedgerLineFast } from './ledger-fast-decode.js';
import type { LedgerFault, LedgerRequest } from './ledger-line.js';

export type LedgerEntry =
  | Readonly<{ kind: 'request'; lineNumber: number; request: LedgerRequest }>
  | Readonly<{ kind: 'fault'; lineNumber: number; fault: LedgerFault }>;

export type LedgerReadErrorCode = 'ledger_unreadable' | 'ledger_malformed';

export class LedgerReadError extends Error {
  readonly code: LedgerReadErrorCode;
  readonly path: string;
  /** The bad line (ledger_malformed), or the last line read before the failure (0: none). */
  readonly lineNumber: number;
  /** What is wrong with the line, or the file system's message. */
  readonly reason: string;

  constructor(code: LedgerReadErrorCode, path: string, lineNumber: number, reason: string, cause?: unknown) {
    super(
      code === 'ledger_malformed' ? `${path}:${lineNumber}: ${reason}` : `${path}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'LedgerReadError';
    this.code = code;
    this.path = path;
    this.lineNumber = lineNumber;
    this.reason = reason;
  }
}

/**
 * Yields the entries of one ledger file, a batch per chunk read (one await per thousands of lines,
 * not per line); blank lines are skipped. A last line without its newline is read like the others.
 */
export async function* readLedgerFile(path: string): AsyncGenerator<LedgerEntry[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let lineNumber = 0;
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop()!;
      const batch: LedgerEntry[] = [];
      for (const text of lines) {
        lineNumber += 1;
        if (text.trim() !== '') batch.push(entryOf(text, path, lineNumber));
      }
      yield batch;
    }
    if (carry.trim() !== '') yield [entryOf(carry, path, lineNumber + 1)];
  } catch (error) {
    if (error instanceof LedgerReadError) throw error;
    throw new LedgerReadError('ledger_unreadable', path, lineNumber, (error as Error).message, error);
  } finally {
    stream.destroy();
  }
}

function entryOf(text: string, path: string, lineNumber: number): LedgerEntry {
  const decoded = decodeLedgerLineFast(text);
  if (decoded.kind === 'malformed')
    throw new LedgerReadError('ledger_malformed', path, lineNumber, decoded.why);
  return decoded.kind === 'fault'
    ? { kind: 'fault', lineNumber, fault: decoded.fault }
    : { kind: 'request', lineNumber, request: decoded.request };
}
