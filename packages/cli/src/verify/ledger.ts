// Reads simulator ledgers through @flashsale/protocol's reader (which checks every line) and turns
// its failures into the verifier's: a ledger it cannot read is a check it cannot make (exit 2).
import { type LedgerEntry, LedgerReadError, readLedgerFile } from '@flashsale/protocol';
import { CliError, ExitCode } from '../exit-codes.js';

/** The entries of one ledger file, a batch per chunk read; see readLedgerFile. */
export async function* readLedger(path: string): AsyncGenerator<LedgerEntry[]> {
  try {
    yield* readLedgerFile(path);
  } catch (error) {
    if (!(error instanceof LedgerReadError)) throw error;
    throw new CliError(messageOf(error), ExitCode.usageOrUnchecked, { cause: error });
  }
}

function messageOf(error: LedgerReadError): string {
  if (error.code === 'ledger_malformed') {
    return `--ledger ${error.path}:${error.lineNumber}: ${error.reason}; expected a ledger line written by flashsale simulate`;
  }
  const what = error.lineNumber === 0 ? 'cannot read it' : `reading failed after line ${error.lineNumber}`;
  return `--ledger ${error.path}: ${what} (${error.reason})`;
}
