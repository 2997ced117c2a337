// Group commit: rows from many requests share one Postgres round trip.
//
//   enqueue(row) ──▶ [ open batch ] ──(flush when a flush slot is free, or when full)──▶ flush(rows)
//                         │ sealed when maxBatchRows reached
//                         ▼
//                    [ waiting batches ] (FIFO)
//
// At most maxFlushesInFlight flushes run at once; while they run, new rows gather in the next
// batch, so the batch size grows with load and the number of round trips does not. One flush at
// a time batches the most; a few at once keep Postgres busy while a commit waits for its WAL
// flush. Each batch has one promise that resolves to the per-row results; a caller reads its own
// result by index.

import type { Milliseconds } from '@flashsale/protocol';

export type FlushFn<Row, Result> = (rows: readonly Row[]) => Promise<readonly Result[]>;

export type GroupCommitOptions<Row, Result> = {
  name: string;
  maxBatchRows: number;
  /** How long the first row of a batch waits for company when a flush slot is free. */
  maxBatchWaitMs: Milliseconds;
  maxFlushesInFlight: number;
  flush: FlushFn<Row, Result>;
  onBatch?: (rows: number, seconds: number) => void;
  onFailure?: (error: unknown, rows: number) => void;
};

export type Ticket<Result> = { batch: Promise<readonly Result[]>; index: number };

type Batch<Row, Result> = {
  rows: Row[];
  promise: Promise<readonly Result[]>;
  resolve: (results: readonly Result[]) => void;
  reject: (error: unknown) => void;
};

export class GroupCommit<Row, Result> {
  readonly #options: GroupCommitOptions<Row, Result>;
  readonly #waiting: Batch<Row, Result>[] = [];
  #open: Batch<Row, Result> | undefined;
  #flushesInFlight = 0;
  #isScheduled = false;
  #queuedRows = 0;
  #idle: (() => void)[] = [];

  constructor(options: GroupCommitOptions<Row, Result>) {
    this.#options = options;
  }

  /** Rows accepted and not yet committed (or failed). */
  get queuedRows(): number {
    return this.#queuedRows;
  }

  enqueue(row: Row): Ticket<Result> {
    let batch = this.#open;
    if (batch === undefined) {
      batch = newBatch<Row, Result>();
      this.#open = batch;
    }
    const index = batch.rows.push(row) - 1;
    this.#queuedRows += 1;
    if (batch.rows.length >= this.#options.maxBatchRows) {
      this.#waiting.push(batch);
      this.#open = undefined;
    }
    this.#schedule(this.#waiting.length > 0 ? 0 : this.#options.maxBatchWaitMs);
    return { batch: batch.promise, index };
  }

  /** Resolves once every row enqueued so far has been flushed (or failed). */
  drain(): Promise<void> {
    if (this.#queuedRows === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(waitMs: Milliseconds): void {
    if (this.#isScheduled || this.#flushesInFlight >= this.#options.maxFlushesInFlight) return;
    this.#isScheduled = true;
    const run = () => {
      this.#isScheduled = false;
      this.#startFlushes();
    };
    // setImmediate, not a 0 ms timer: rows enqueued by the requests of this turn of the loop join.
    if (waitMs === 0) setImmediate(run);
    else setTimeout(run, waitMs);
  }

  #startFlushes(): void {
    while (this.#flushesInFlight < this.#options.maxFlushesInFlight) {
      const batch = this.#waiting.shift() ?? this.#open;
      if (batch === undefined) return;
      if (batch === this.#open) this.#open = undefined;
      void this.#flush(batch);
    }
  }

  async #flush(batch: Batch<Row, Result>): Promise<void> {
    this.#flushesInFlight += 1;
    const started = performance.now();
    let results: readonly Result[] | undefined;
    let failure: unknown;
    try {
      results = await this.#options.flush(batch.rows);
      this.#options.onBatch?.(batch.rows.length, (performance.now() - started) / 1000);
    } catch (error) {
      failure = error;
      this.#options.onFailure?.(error, batch.rows.length);
    }
    this.#queuedRows -= batch.rows.length;
    this.#flushesInFlight -= 1;
    // Rows that gathered during the flush go out now, before this batch's requests are answered:
    // they have already waited one round trip, and answering a large batch takes a while (a
    // socket write each), time in which Postgres would otherwise sit idle.
    if (this.#waiting.length > 0 || this.#open !== undefined) this.#startFlushes();
    if (results !== undefined) batch.resolve(results);
    else batch.reject(failure);
    if (this.#queuedRows === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}

function newBatch<Row, Result>(): Batch<Row, Result> {
  let resolve!: (results: readonly Result[]) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<readonly Result[]>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits any more (its requests timed out) must not crash the process.
  promise.catch(() => undefined);
  return { rows: [], promise, resolve, reject };
}
