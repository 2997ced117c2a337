// A run's view of the sale through GET /sale: read once before the start (its size for the
// buyers; and if nothing listens there, the run stops before it starts), then, when the live
// view or --until-sellout needs it, read about once a second from the start on, noting when it
// sold out. A slow or broken /sale falls back to --sale-size, and the load shows the rest.
import { isSoldOut, type SaleSnapshot } from '@flashsale/protocol';
import { SimError } from '../errors.js';
import { SaleMonitor } from './monitor.js';

const watchIntervalMs = 1000;

export class SaleWatch {
  /** The reading before the start; null when the answer was no sale. */
  readonly snapshot: SaleSnapshot | null;
  readonly #monitor: SaleMonitor;
  readonly #isWatching: boolean;
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

  /** Reads the sale once; `isWatching` keeps the connection for watching it from the start. */
  static async open(
    target: string,
    timeoutMs: number,
    isWatching: boolean,
    nowMs: () => number,
  ): Promise<SaleWatch> {
    const monitor = new SaleMonitor(target, timeoutMs);
    const reading = await monitor.read();
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

  /**
   * Watches from the schedule's start: a sale already sold out then sold out at the start, a
   * later reading when it comes in. `onSoldOut` is called on every sold-out reading.
   */
  begin(startAtMs: number, onSoldOut: () => void): void {
    if (!this.#isWatching) return;
    const onSnapshot = (snapshot: SaleSnapshot, atMs: number) => {
      if (!isSoldOut(snapshot)) return;
      this.#soldOutAtMs ??= atMs;
      onSoldOut();
    };
    if (this.snapshot !== null) onSnapshot(this.snapshot, startAtMs);
    this.#monitor.watch(watchIntervalMs, (snapshot) => onSnapshot(snapshot, this.#nowMs()));
  }

  /** Items sold per the latest reading while the sale is watched; null when it is not. */
  itemsSold(): number | null {
    return this.#isWatching ? (this.#monitor.latest?.sold ?? null) : null;
  }

  /** After the load: one last reading (when watching), then the connection closes. */
  async finish(): Promise<void> {
    if (this.#isWatching && !this.#isClosed) await this.#monitor.read();
    await this.close();
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#monitor.close();
  }
}
