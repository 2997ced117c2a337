// Reads simulator ledgers (JSONL) a chunk at a time, never as one string, and checks each line's shape.
// A line that is not a ledger line stops the verification with its file and line number (exit 2):
// a ledger the verifier cannot read is a check it cannot make.
import { createReadStream } from 'node:fs';
import { CliError, ExitCode } from '../exit-codes.js';
import { type LedgerRequest, parseLedgerLine } from './ledger-line.js';

export type { LedgerRequest } from './ledger-line.js';

export type LedgerEntry =
  | { kind: 'request'; lineNumber: number; request: LedgerRequest }
  | { kind: 'fault'; lineNumber: number };

/**
 * Yields the entries of one ledger file, a batch per chunk read (one await per thousands of lines,
 * not per line); blank lines are skipped. A last line without its newline is read like the others.
 */
export async function* readLedger(path: string): AsyncGenerator<LedgerEntry[]> {
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
        if (text.trim() !== '') batch.push(parseLine(text, path, lineNumber));
      }
      yield batch;
    }
    if (carry.trim() !== '') yield [parseLine(carry, path, lineNumber + 1)];
  } catch (error) {
    if (error instanceof CliError) throw error;
    const what = lineNumber === 0 ? 'cannot read it' : `reading failed after line ${lineNumber}`;
    throw new CliError(`--ledger ${path}: ${what} (${(error as Error).message})`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  } finally {
    stream.destroy();
  }
}

function parseLine(text: string, path: string, lineNumber: number): LedgerEntry {
  const parsed = parseLedgerLine(text);
  if (parsed.kind === 'malformed') {
    throw new CliError(
      `--ledger ${path}:${lineNumber}: ${parsed.why}; expected a ledger line written by flashsale simulate`,
      ExitCode.usageOrUnchecked,
    );
  }
  return parsed.kind === 'fault'
    ? { kind: 'fault', lineNumber }
    : { kind: 'request', lineNumber, request: parsed.request };
}
