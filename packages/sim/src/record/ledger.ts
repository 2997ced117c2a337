// The ledger: one JSON line per load request (what the client sent and saw), and one per fault,
// for `flashsale verify --ledger`. Lines are gathered into chunks and written through one stream,
// never a write per line; close() resolves only once everything is on disk.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Endpoint } from '../buyers/session.js';
import type { Behaviour } from '../config/mix.js';
import { SimError } from '../errors.js';
import type { LedgerOutcome } from './outcomes.js';

/** One request line. Times are epoch ms. The key order is the documented line shape. */
export type LedgerRequest = Readonly<{
  requestId: string;
  /** The service's own id of the attempt (`x-attempt-id` of a checkout answer), or null. */
  attemptId: string | null;
  endpoint: Endpoint;
  behaviour: Behaviour;
  userId: string | null;
  itemId: number | null;
  code: string | null;
  saleId: number | null;
  purchaseId: string | null;
  isReplayed: boolean;
  intendedMs: number;
  sentMs: number | null;
  doneMs: number | null;
  status: number | null;
  error: string | null;
  outcome: LedgerOutcome;
}>;

export type Fault = Readonly<{ kind: string; atMs: number; detail: string | null }>;

const chunkChars = 64 * 1024;

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

  /** Opens `path`, truncating it, or appending when several processes share one ledger. */
  static async open(path: string, mode: 'truncate' | 'append'): Promise<LedgerWriter> {
    const stream = createWriteStream(path, { flags: mode === 'append' ? 'a' : 'w', highWaterMark: 1 << 20 });
    try {
      await once(stream, 'open');
    } catch (error) {
      throw new SimError('output_failed', `--ledger: cannot write ${path} (${String(error)})`, {
        flag: '--ledger',
        cause: error,
      });
    }
    return new LedgerWriter(stream);
  }

  writeRequest(line: LedgerRequest): void {
    this.#append(formatRequestLine(line));
  }

  writeFault(fault: Fault): void {
    this.#append(
      `{"type":"fault","kind":${JSON.stringify(fault.kind)},"at_ms":${roundMs(fault.atMs)},"detail":${json(fault.detail)}}\n`,
    );
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

export function formatRequestLine(line: LedgerRequest): string {
  return (
    `{"type":"request","request_id":${JSON.stringify(line.requestId)},"attempt_id":${json(line.attemptId)}` +
    `,"endpoint":"${line.endpoint}"` +
    `,"behaviour":"${line.behaviour}","user_id":${json(line.userId)},"item_id":${line.itemId}` +
    `,"code":${json(line.code)},"sale_id":${line.saleId},"purchase_id":${json(line.purchaseId)}` +
    `,"replayed":${line.isReplayed},"intended_ms":${roundMs(line.intendedMs)}` +
    `,"sent_ms":${line.sentMs === null ? null : roundMs(line.sentMs)}` +
    `,"done_ms":${line.doneMs === null ? null : roundMs(line.doneMs)},"status":${line.status}` +
    `,"error":${json(line.error)},"outcome":"${line.outcome}"}\n`
  );
}

function json(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** Epoch ms to the microsecond. */
function roundMs(epochMs: number): number {
  return Math.round(epochMs * 1000) / 1000;
}
