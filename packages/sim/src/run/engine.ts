// One simulator run, whatever runs its schedule: reads the sale, empties the ledger, starts its
// parts (the whole schedule in this process, or a share of it in each of --workers child
// processes) at one moment, watches the sale, passes their ticks on second by second, and writes
// the report from their figures. Progress goes out as events; nothing here knows about terminals.
import { EventEmitter } from 'node:events';
import type { SaleSnapshot } from '@flashsale/protocol';
import type { SimOptions } from '../config/options.js';
import { shareOfStages, splitShard } from '../config/shard.js';
import { resolveStartAtMs } from '../config/start-at.js';
import { SimError } from '../errors.js';
import { createHistogram } from '../record/histograms.js';
import { truncateLedger } from '../record/ledger.js';
import { checkReportPath, writeReportFile } from '../report/file.js';
import { assembleReport, reportConfigOf } from '../report/json.js';
import { mergeParts } from '../report/merge.js';
import type { ReportParts, SalePeriodParts } from '../report/parts.js';
import type { FaultReport, SimReport } from '../report/types.js';
import { SaleWatch } from '../sale/sale-watch.js';
import { plannedDurationMs, plannedRequests } from '../schedule/stages.js';
import type { SimTick, Simulation, SimulationEvents, StopReason } from '../simulation.js';
import { epochNowMs } from './epoch-clock.js';
import { LocalPart } from './local-part.js';
import type { PartSale, SchedulePart } from './part.js';
import { TickGather } from './tick-gather.js';
import { WorkerPart } from './worker-part.js';

/** How long before a --start-at the parts get ready (connections open, ledger open). */
const connectBeforeStartMs = 10_000;
/** A --start-at nearer than this moves on to the following sale (the parts must get ready first). */
const startLeadMs = 2_000;

export class Engine extends EventEmitter<SimulationEvents> implements Simulation {
  readonly done: Promise<SimReport>;
  readonly #options: SimOptions;
  /** Marked before the parts exist; the first part records them once it does. */
  readonly #pendingFaults: FaultReport[] = [];
  readonly #soldBySecond = new Map<number, number | null>();
  #parts: SchedulePart[] = [];
  #watch: SaleWatch | null = null;
  #saleSize = 0;
  /** When the answers showed the sale sold out (a target without GET /sale). */
  #soldOutSeenAtMs: number | null = null;
  #isStopped = false;
  #isInterrupted = false;
  #onStopped: () => void = () => undefined;

  constructor(options: SimOptions) {
    super();
    this.#options = options;
    this.done = this.#run();
  }

  markFault(kind: string, detail?: string): void {
    const fault: FaultReport = { kind, at_ms: epochNowMs(), detail: detail ?? null };
    // One part records it, so the ledger, report and timeline hold it once.
    const first = this.#parts[0];
    if (first === undefined) this.#pendingFaults.push(fault);
    else first.markFault(fault);
  }

  stop(reason?: StopReason): void {
    if (reason === 'interrupted') this.#isInterrupted = true;
    this.#isStopped = true;
    this.#onStopped();
    for (const part of this.#parts) part.stop();
  }

  async #run(): Promise<SimReport> {
    const options = this.#options;
    const hasSaleEndpoint = options.profile.hasSaleEndpoint;
    // Only shard 0 watches GET /sale: N shards would ask N times for the same answer (the others
    // learn a sell-out from GET /sale/items, a new sale from the answers' sale_id). A service that
    // gives sale periods is watched anyway: the run may cross into the next sale.
    const isWatchingSale = (snapshot: SaleSnapshot | null) =>
      hasSaleEndpoint &&
      options.shard.index === 0 &&
      (options.stopsAtSellout || options.progress === 'live' || snapshot?.endsAtMs != null);
    let onSale: (sale: PartSale) => void = () => undefined;
    let onNoSale: (error: unknown) => void = () => undefined;
    const saleRead = new Promise<PartSale>((resolve, reject) => {
      onSale = resolve;
      onNoSale = reject;
    });
    saleRead.catch(() => undefined);
    try {
      if (options.reportPath !== null) await checkReportPath(options.reportPath);
      // The parts warm up while the sale is read: concurrent runs (shards started together) then
      // start as close together as their warm-ups end, not as their first GET /sale answers.
      this.#parts = this.#createParts(saleRead);
      for (const fault of this.#pendingFaults.splice(0)) this.#parts[0]?.markFault(fault);
      if (this.#isStopped) this.stop();
      const watch = await SaleWatch.open(
        options.targets[0] ?? '',
        options.timeoutMs,
        isWatchingSale,
        epochNowMs,
      );
      this.#watch = watch;
      if (options.ledgerPath !== null) await truncateLedger(options.ledgerPath);
      const startAtMs = this.#resolveStartAt(watch);
      await this.#waitToConnect(startAtMs);
      // Without GET /sale the one reading above only showed that something listens there.
      const saleSize = (hasSaleEndpoint ? watch.snapshot?.size : undefined) ?? options.saleSize;
      this.#saleSize = saleSize;
      onSale({
        size: saleSize,
        saleId: hasSaleEndpoint ? saleOnAt(watch, startAtMs) : null,
        periodMs: watch.periodMs,
      });
      await Promise.all(this.#parts.map((part) => part.ready));
      this.#start(saleSize, watch, startAtMs);
      const figures = await Promise.all(this.#parts.map((part) => part.done));
      await watch.finish();
      const report = assembleReport(this.#reportParts(figures, watch, saleSize));
      if (options.reportPath !== null) await writeReportFile(options.reportPath, report);
      this.emit('done', report);
      return report;
    } catch (error) {
      onNoSale(error);
      throw error;
    } finally {
      await Promise.all(this.#parts.map((part) => part.abort()));
      await this.#watch?.close();
    }
  }

  /** Starts every part at one whole millisecond, so each part's start (and the report's) is that number. */
  #start(saleSize: number, watch: SaleWatch, requestedAtMs: number | null): void {
    const options = this.#options;
    const soonestMs = Math.ceil(epochNowMs() + Math.max(...this.#parts.map((part) => part.startLeadMs)));
    const startAtMs = Math.max(soonestMs, Math.ceil(requestedAtMs ?? 0));
    for (const part of this.#parts) part.start(startAtMs);
    this.emit('start', {
      runId: options.runId,
      startedAtMs: startAtMs,
      plannedDurationMs: plannedDurationMs(options.stages),
      plannedRequests: plannedRequests(shareOfStages(options.stages, options.shard.count)),
      saleSize,
      workers: options.workers,
      stopsAtSellout: options.stopsAtSellout,
    });
    watch.begin(
      startAtMs,
      () => {
        if (options.stopsAtSellout) this.stop();
      },
      requestedAtMs !== null,
    );
  }

  /** --start-at as an epoch ms (null: start when ready); `next-sale` from GET /sale's period. */
  #resolveStartAt(watch: SaleWatch): number | null {
    const startAt = this.#options.startAt;
    if (startAt === null) return null;
    const endsAtMs = watch.snapshot?.endsAtMs ?? null;
    const periodMs = watch.periodMs;
    const resolved = resolveStartAtMs(
      startAt,
      epochNowMs(),
      startLeadMs,
      endsAtMs === null || periodMs === null ? null : { endsAtMs, periodMs },
    );
    if (typeof resolved === 'string') throw new SimError('invalid_option', `--start-at: ${resolved}`);
    return resolved;
  }

  /**
   * Waits until shortly before a distant start, so the parts open their connections (and the
   * server's keep-alive clock starts) close to it; stop() ends the wait.
   */
  async #waitToConnect(startAtMs: number | null): Promise<void> {
    const waitMs = startAtMs === null ? 0 : startAtMs - connectBeforeStartMs - epochNowMs();
    if (waitMs <= 0 || this.#isStopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.#onStopped = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * One part in this process, or one per worker process, each with its share of buyers and of the
   * rate: --rps is the total over every shard and worker, and each part's slots are shifted by its
   * place among them (its phase), so parts started together interleave into one even stream.
   */
  #createParts(sale: Promise<PartSale>): SchedulePart[] {
    const options = this.#options;
    const count = options.workers;
    const ticks = new TickGather(count, (tick) => this.#emitTick(tick));
    return Array.from({ length: count }, (_, index) => {
      const shard = splitShard(options.shard, index, count);
      const share: SimOptions = {
        ...options,
        stages: shareOfStages(options.stages, shard.count),
        shard,
        workers: 1,
        progress: 'none',
        reportPath: null,
        thresholds: [],
      };
      const setup = { phase: shard.index / shard.count, sale };
      const onTick = (tick: SimTick) => ticks.add(tick);
      const part =
        count === 1 ? new LocalPart(share, setup, onTick) : new WorkerPart(index, share, setup, onTick);
      part.done.then(
        () => ticks.partEnded(),
        () => ticks.partEnded(),
      );
      return part;
    });
  }

  #emitTick(tick: SimTick): void {
    if (!this.#options.profile.hasSaleEndpoint) this.#noteSelloutFromAnswers(tick);
    const itemsSold = this.#watch?.itemsSold() ?? null;
    this.#soldBySecond.set(tick.second, itemsSold);
    this.emit('tick', { ...tick, itemsSold });
  }

  /**
   * A target without GET /sale sold out once the buyers' purchases add up to the sale, or once
   * one process has seen every item sold (bought, or answered sold_out: some bought elsewhere,
   * or their answers were lost).
   */
  #noteSelloutFromAnswers(tick: SimTick): void {
    if (this.#saleSize === 0 || (tick.purchases < this.#saleSize && tick.itemsKnownSold < this.#saleSize))
      return;
    this.#soldOutSeenAtMs ??= epochNowMs();
    if (this.#options.stopsAtSellout) this.stop();
  }

  /** The parts' figures as one, with what the engine saw of the sale. */
  #reportParts(figures: readonly ReportParts[], watch: SaleWatch, saleSize: number): ReportParts {
    const options = this.#options;
    const merged = figures.length === 1 ? figures[0]! : mergeParts(figures);
    const firstWatched = watch.sales.find((sale) => sale.saleId === watch.snapshot?.saleId);
    return {
      ...merged,
      runId: options.runId,
      shard: options.shard.count > 1 ? options.shard : null,
      config: reportConfigOf(options),
      timeline: merged.timeline.map((second) => ({
        ...second,
        itemsSold: this.#soldBySecond.get(second.second) ?? null,
      })),
      sale: {
        ...merged.sale,
        saleId: watch.snapshot?.saleId ?? null,
        size: saleSize,
        sizeSource: watch.snapshot === null || !options.profile.hasSaleEndpoint ? 'option' : 'service',
        sold: firstWatched?.sold ?? watch.itemsSold(),
        soldOutAtMs: watch.soldOutAtMs ?? this.#soldOutSeenAtMs,
      },
      sales: salesSeen(merged.sales, watch, saleSize),
      monitorRequests: merged.monitorRequests + watch.requests,
      interrupted: merged.interrupted || this.#isInterrupted,
    };
  }
}

/** The sale on at a --start-at (the one read may have ended while the run waited), else the one read. */
function saleOnAt(watch: SaleWatch, startAtMs: number | null): number | null {
  const periodMs = watch.periodMs;
  if (startAtMs === null || periodMs === null) return watch.snapshot?.saleId ?? null;
  return Math.floor(startAtMs / periodMs);
}

/**
 * The sales the parts met, with what GET /sale said of each (period, size, sold, when sold out),
 * and the sales only GET /sale showed. A sale's period follows from its id when the service gave
 * the period length (sale ids are period indexes).
 */
function salesSeen(
  fromParts: readonly SalePeriodParts[],
  watch: SaleWatch,
  saleSize: number,
): SalePeriodParts[] {
  const periodMs = watch.periodMs;
  const byId = new Map<number | null, SalePeriodParts>(fromParts.map((sale) => [sale.saleId, sale]));
  for (const watched of watch.sales) {
    if (byId.has(watched.saleId)) continue;
    byId.set(watched.saleId, {
      saleId: watched.saleId,
      startsAtMs: null,
      endsAtMs: null,
      size: watched.size,
      sold: null,
      soldOutAtMs: null,
      purchases: 0,
      holds: 0,
      holdsAbandoned: 0,
      itemsWanted: 0,
      firstSaleAtMs: null,
      lastSaleAtMs: null,
      purchaseAtUs: createHistogram(),
      firstSecondUs: createHistogram(),
    });
  }
  return [...byId.values()]
    .sort((a, b) => (a.saleId ?? -1) - (b.saleId ?? -1))
    .map((sale) => {
      const watched = watch.sales.find((each) => each.saleId === sale.saleId);
      const isKnown = sale.saleId !== null && periodMs !== null;
      return {
        ...sale,
        startsAtMs: watched?.startsAtMs ?? (isKnown ? (sale.saleId as number) * periodMs : null),
        endsAtMs: watched?.endsAtMs ?? (isKnown ? ((sale.saleId as number) + 1) * periodMs : null),
        size: watched?.size ?? saleSize,
        sold: watched?.sold ?? null,
        soldOutAtMs: watched?.soldOutAtMs ?? null,
      };
    });
}
