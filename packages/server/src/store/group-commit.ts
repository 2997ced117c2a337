// Group commit: rows from many requests share one Postgres round trip.
//
//   enqueue(row) ──▶ [ open batch ] ──(flush when idle, or when full)──▶ flush(rows) ──▶ results[]
//                         │ sealed when maxBatchRows reached
//                         ▼
//                    [ waiting batches ] (FIFO)
//
// One flush is in flight at a time; while it runs, new rows gather in the next batch, so the
// batch size grows with load and the number of round trips does not. Each batch has one promise
// that resolves to the per-row results; a caller reads its own result by index.

import type { Milliseconds } from '../config/duration.js';

export type FlushFn<Row, Result> = (rows: readonly Row[]) => Promise<readonly Result[]>;

export type GroupCommitOptions<Row, Result> = {
  name: string;
  maxBatchRows: number;
  /** How long the first row of a batch waits for company when no flush is in flight. */
  maxBatchWaitMs: Milliseconds;
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
  #isFlushing = false;
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
    this.#schedule();
    return { batch: batch.promise, index };
  }

  /** Resolves once every row enqueued so far has been flushed (or failed). */
  drain(): Promise<void> {
    if (this.#queuedRows === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#isFlushing || this.#isScheduled) return;
    this.#isScheduled = true;
    const run = () => {
      this.#isScheduled = false;
      void this.#flushNext();
    };
    if (this.#waiting.length > 0 || this.#options.maxBatchWaitMs === 0) setImmediate(run);
    else setTimeout(run, this.#options.maxBatchWaitMs);
  }

  async #flushNext(): Promise<void> {
    const batch = this.#waiting.shift() ?? this.#open;
    if (batch === undefined) return;
    if (batch === this.#open) this.#open = undefined;
    this.#isFlushing = true;
    const started = performance.now();
    try {
      const results = await this.#options.flush(batch.rows);
      this.#options.onBatch?.(batch.rows.length, (performance.now() - started) / 1000);
      batch.resolve(results);
    } catch (error) {
      this.#options.onFailure?.(error, batch.rows.length);
      batch.reject(error);
    } finally {
      this.#queuedRows -= batch.rows.length;
      this.#isFlushing = false;
      if (this.#waiting.length > 0 || this.#open !== undefined) {
        // Rows that gathered during the flush go now: they have already waited one round trip.
        this.#isScheduled = true;
        setImmediate(() => {
          this.#isScheduled = false;
          void this.#flushNext();
        });
      } else {
        for (const resolve of this.#idle.splice(0)) resolve();
      }
    }
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
