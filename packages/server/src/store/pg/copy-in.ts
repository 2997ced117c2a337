// COPY ... FROM STDIN as one socket write: the Query message, the rows as one CopyData message
// and CopyDone go out together instead of waiting for the server's CopyInResponse (a stream
// like pg-copy-streams writes each of them on its own: four loopback writes per batch, each
// costing the sender the receiver's TCP work too). The protocol allows it: when the COPY fails
// before or during the rows, Postgres answers the error and drops whatever CopyData and CopyDone
// follow. It is a pg "submittable": pg hands it the connection when it is this query's turn
// and passes it the server's messages until ReadyForQuery.
import type pg from 'pg';

type Connection = { stream: { write(data: Buffer): boolean } };

const QUERY = 0x51; // 'Q'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'

/** The three messages of a COPY FROM STDIN whose rows are `rows` (COPY text format). */
export function copyInMessages(statement: string, rows: string): Buffer {
  const statementBytes = Buffer.byteLength(statement);
  const rowBytes = Buffer.byteLength(rows);
  const message = Buffer.allocUnsafe(1 + 4 + statementBytes + 1 + (1 + 4 + rowBytes) + (1 + 4));
  let at = 0;
  message[at++] = QUERY;
  at = message.writeUInt32BE(4 + statementBytes + 1, at);
  at += message.write(statement, at);
  message[at++] = 0;
  message[at++] = COPY_DATA;
  at = message.writeUInt32BE(4 + rowBytes, at);
  at += message.write(rows, at);
  message[at++] = COPY_DONE;
  message.writeUInt32BE(4, at);
  return message;
}

class CopyIn {
  readonly #message: Buffer;
  readonly #resolve: () => void;
  readonly #reject: (error: unknown) => void;
  #failed = false;

  constructor(message: Buffer, resolve: () => void, reject: (error: unknown) => void) {
    this.#message = message;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  submit(connection: Connection): void {
    connection.stream.write(this.#message);
  }

  // pg calls these as the server answers; the rows already went out with the statement.
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}

  /** The COPY failed (an ErrorResponse), or the connection did. */
  handleError(error: unknown): void {
    this.#failed = true;
    this.#reject(error);
  }

  /** The COPY committed (it runs in its own implicit transaction). */
  handleReadyForQuery(): void {
    if (!this.#failed) this.#resolve();
  }

  // pg may wrap this with its query timeout when one is configured; nothing reads it otherwise.
  callback(): void {}
}

/** Runs `statement` (a COPY ... FROM STDIN) with `rows` on `client` in one write. */
export function copyIn(client: pg.ClientBase, statement: string, rows: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.query(new CopyIn(copyInMessages(statement, rows), resolve, reject) as unknown as pg.QueryConfig);
  });
}
