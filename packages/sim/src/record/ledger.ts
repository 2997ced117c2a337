// Writes the ledger (`--ledger`): the line format is @flashsale/protocol's; this file owns how
// lines reach the disk. Lines are gathered into chunks and written through one stream, never a
// write per line; close() resolves only once everything is on disk.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  formatFaultLine,
  formatRequestLine,
  type LedgerFault,
  type LedgerRequest,
} from '@flashsale/protocol';
import { SimError } from '../errors.js';

const chunkChars = 64 * 1024;

/** Empties the ledger file (or creates it) once per run; every process of the run then appends. */
export async function truncateLedger(path: string): Promise<void> {
  try {
    await writeFile(path, '');
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

export class LedgerWriter {
  readonly #stream: WriteStream;
  #chunk = '';
  #error: Error | null = null;
  lines = 0;

  private constructor(stream: WriteStream) {
    this.#stream = stream;
    stream.on('error', (error) => {
      this.#error ??= error;
    });
  }

  /** Opens `path` for appending: several processes may share one ledger. */
  static async open(path: string): Promise<LedgerWriter> {
    const stream = createWriteStream(path, { flags: 'a', highWaterMark: 1 << 20 });
    try {
      await once(stream, 'open');
    } catch (error) {
      throw cannotWrite(path, error);
    }
    return new LedgerWriter(stream);
  }

  writeRequest(line: LedgerRequest): void {
    this.#append(formatRequestLine(line));
  }

  writeFault(fault: LedgerFault): void {
    this.#append(formatFaultLine(fault));
  }

  /** Hands the gathered lines to the stream; call about once a second so a crash loses little. */
  flush(): void {
    if (this.#chunk.length === 0) return;
    // Whole lines per write: appends from several worker processes never interleave inside a line.
    this.#stream.write(this.#chunk);
    this.#chunk = '';
  }

  async close(): Promise<void> {
    this.flush();
    this.#stream.end();
    if (!this.#stream.closed) await once(this.#stream, 'close').catch(() => undefined);
    if (this.#error !== null) {
      throw new SimError('output_failed', `--ledger: writing failed (${this.#error.message})`, {
        flag: '--ledger',
        cause: this.#error,
      });
    }
  }

  #append(line: string): void {
    this.lines += 1;
    this.#chunk += line;
    if (this.#chunk.length >= chunkChars) this.flush();
  }
}

function cannotWrite(path: string, error: unknown): SimError {
  return new SimError('output_failed', `--ledger: cannot write ${path} (${String(error)})`, {
    flag: '--ledger',
    cause: error,
  });
}
