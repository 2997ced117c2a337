// A run's view of the sale through GET /sale: read once before the start (its size and period for
// the buyers; and if nothing listens there, the run stops before it starts), then, when the live
// view or --until-sellout needs it or the service gives sale periods, read about once a second
// from the start on, noting per sale when it sold out: a run may cross a rollover into the next
// sale. A slow or broken /sale falls back to --sale-size, and the load shows the rest.
import { isSoldOut, type SaleSnapshot } from '@flashsale/protocol';
import { SimError } from '../errors.js';
import { SaleMonitor } from './monitor.js';

const watchIntervalMs = 1000;

/** What GET /sale said of one sale over the run. */
export type WatchedSale = {
  readonly saleId: number;
  startsAtMs: number | null;
  endsAtMs: number | null;
  size: number;
  /** The last reading's sold count. */
  sold: number;
  /** Epoch ms of the first reading that said sold out. */
  soldOutAtMs: number | null;
};

export class SaleWatch {
  /** The reading before the start; null when the answer was no sale. */
  readonly snapshot: SaleSnapshot | null;
  readonly #monitor: SaleMonitor;
  readonly #isWatching: boolean;
  /** Per sale id, what the readings from the start on said. */
  readonly #sales = new Map<number, WatchedSale>();
  readonly #nowMs: () => number;
  #soldOutAtMs: number | null = null;
  #isClosed = false;

  private constructor(
    monitor: SaleMonitor,
    snapshot: SaleSnapshot | null,
    isWatching: boolean,
    nowMs: () => number,
  ) {
    this.#monitor = monitor;
    this.snapshot = snapshot;
    this.#isWatching = isWatching;
    this.#nowMs = nowMs;
  }

  /**
   * Reads the sale once; `isWatching` (asked with that reading) keeps the connection for watching
   * it from the start.
   */
  static async open(
    target: string,
    timeoutMs: number,
    isWatchingWith: (snapshot: SaleSnapshot | null) => boolean,
    nowMs: () => number,
  ): Promise<SaleWatch> {
    const monitor = new SaleMonitor(target, timeoutMs);
    const reading = await monitor.read();
    const isWatching = isWatchingWith(reading.snapshot);
    const watch = new SaleWatch(monitor, reading.snapshot, isWatching, nowMs);
    if (!reading.isReachable || !isWatching) await watch.close();
    if (!reading.isReachable)
      throw new SimError('target_unreachable', `cannot reach ${target} (${reading.error})`);
    return watch;
  }

  /** Epoch ms the sale was first seen sold out; null when it was not (or not watched). */
  get soldOutAtMs(): number | null {
    return this.#soldOutAtMs;
  }

  /** GET /sale requests made, never counted in the load. */
  get requests(): number {
    return this.#monitor.requests;
  }

  /** The sale's period (end minus start) per the first reading; null when it did not say. */
  get periodMs(): number | null {
    const { startsAtMs, endsAtMs } = this.snapshot ?? { startsAtMs: null, endsAtMs: null };
    return startsAtMs === null || endsAtMs === null || endsAtMs <= startsAtMs ? null : endsAtMs - startsAtMs;
  }

  /** Every sale the readings from the start on showed, oldest first. */
  get sales(): readonly WatchedSale[] {
    return [...this.#sales.values()].sort((a, b) => a.saleId - b.saleId);
  }

  /**
   * Watches from the schedule's start: a sale already sold out then sold out at the start, a
   * later reading when it comes in. `onSoldOut` is called on every sold-out reading of the sale
   * on at the start (a later sale opening is not the end of the run's). `hasWaited`: the run
   * waited for a --start-at since the reading.
   */
  begin(startAtMs: number, onSoldOut: () => void, hasWaited = false): void {
    if (!this.#isWatching) return;
    const onSnapshot = (snapshot: SaleSnapshot, atMs: number) => {
      const isFirstSale = snapshot.saleId === (this.snapshot?.saleId ?? null);
      const soldOut = isSoldOut(snapshot);
      this.#note(snapshot, soldOut ? atMs : null);
      if (!soldOut || !isFirstSale) return;
      this.#soldOutAtMs ??= atMs;
      onSoldOut();
    };
    // A reading of a sale that ended while the run waited for its --start-at says nothing of the run.
    const isStale = hasWaited && (this.snapshot?.endsAtMs ?? Number.POSITIVE_INFINITY) <= startAtMs;
    if (this.snapshot !== null && !isStale) onSnapshot(this.snapshot, startAtMs);
    this.#monitor.watch(watchIntervalMs, (snapshot) => onSnapshot(snapshot, this.#nowMs()));
  }

  #note(snapshot: SaleSnapshot, soldOutAtMs: number | null): void {
    if (snapshot.saleId === null) return;
    let sale = this.#sales.get(snapshot.saleId);
    if (sale === undefined) {
      sale = {
        saleId: snapshot.saleId,
        startsAtMs: null,
        endsAtMs: null,
        size: 0,
        sold: 0,
        soldOutAtMs: null,
      };
      this.#sales.set(snapshot.saleId, sale);
    }
    sale.startsAtMs = snapshot.startsAtMs;
    sale.endsAtMs = snapshot.endsAtMs;
    sale.size = snapshot.size;
    sale.sold = snapshot.sold;
    sale.soldOutAtMs ??= soldOutAtMs;
  }

  /** Items sold per the latest reading while the sale is watched; null when it is not. */
  itemsSold(): number | null {
    return this.#isWatching ? (this.#monitor.latest?.sold ?? null) : null;
  }

  /** After the load: one last reading (when watching), then the connection closes. */
  async finish(): Promise<void> {
    if (this.#isWatching && !this.#isClosed) {
      const reading = await this.#monitor.read();
      if (reading.snapshot !== null)
        this.#note(reading.snapshot, isSoldOut(reading.snapshot) ? this.#nowMs() : null);
    }
    await this.close();
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#monitor.close();
  }
}
