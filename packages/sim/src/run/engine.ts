// One simulator run, whatever runs its schedule: reads the sale, empties the ledger, starts its
// parts (the whole schedule in this process, or a share of it in each of --workers child
// processes) at one moment, watches the sale, passes their ticks on second by second, and writes
// the report from their figures. Progress goes out as events; nothing here knows about terminals.
import { EventEmitter } from 'node:events';
import type { SimOptions } from '../config/options.js';
import { shareOfStages, splitShard } from '../config/shard.js';
import { truncateLedger } from '../record/ledger.js';
import { checkReportPath, writeReportFile } from '../report/file.js';
import { assembleReport, reportConfigOf } from '../report/json.js';
import { mergeParts } from '../report/merge.js';
import type { ReportParts } from '../report/parts.js';
import type { FaultReport, SimReport } from '../report/types.js';
import { SaleWatch } from '../sale/sale-watch.js';
import { plannedDurationMs, plannedRequests } from '../schedule/stages.js';
import type { SimTick, Simulation, SimulationEvents, StopReason } from '../simulation.js';
import { epochNowMs } from './epoch-clock.js';
import { LocalPart } from './local-part.js';
import type { SchedulePart } from './part.js';
import { TickGather } from './tick-gather.js';
import { WorkerPart } from './worker-part.js';

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
    for (const part of this.#parts) part.stop();
  }

  async #run(): Promise<SimReport> {
    const options = this.#options;
    const hasSaleEndpoint = options.profile.hasSaleEndpoint;
    // Only shard 0 watches GET /sale: N shards would ask N times for the same answer. The other
    // shards learn a sell-out from the item list (GET /sale/items) their buyers read.
    const isWatchingSale =
      hasSaleEndpoint && options.shard.index === 0 && (options.stopsAtSellout || options.progress === 'live');
    let onSaleSize: (size: number) => void = () => undefined;
    let onNoSale: (error: unknown) => void = () => undefined;
    const saleSizeRead = new Promise<number>((resolve, reject) => {
      onSaleSize = resolve;
      onNoSale = reject;
    });
    saleSizeRead.catch(() => undefined);
    try {
      if (options.reportPath !== null) await checkReportPath(options.reportPath);
      // The parts warm up while the sale is read: concurrent runs (shards started together) then
      // start as close together as their warm-ups end, not as their first GET /sale answers.
      this.#parts = this.#createParts(saleSizeRead);
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
      // Without GET /sale the one reading above only showed that something listens there.
      const saleSize = (hasSaleEndpoint ? watch.snapshot?.size : undefined) ?? options.saleSize;
      this.#saleSize = saleSize;
      onSaleSize(saleSize);
      await Promise.all(this.#parts.map((part) => part.ready));
      this.#start(saleSize, watch);
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
  #start(saleSize: number, watch: SaleWatch): void {
    const options = this.#options;
    const startAtMs = Math.ceil(epochNowMs() + Math.max(...this.#parts.map((part) => part.startLeadMs)));
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
    watch.begin(startAtMs, () => {
      if (options.stopsAtSellout) this.stop();
    });
  }

  /**
   * One part in this process, or one per worker process, each with its share of buyers and of the
   * rate: --rps is the total over every shard and worker, and each part's slots are shifted by its
   * place among them (its phase), so parts started together interleave into one even stream.
   */
  #createParts(saleSize: Promise<number>): SchedulePart[] {
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
      const setup = { phase: shard.index / shard.count, saleSize };
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
        sold: watch.itemsSold(),
        soldOutAtMs: watch.soldOutAtMs ?? this.#soldOutSeenAtMs,
      },
      monitorRequests: merged.monitorRequests + watch.requests,
      interrupted: merged.interrupted || this.#isInterrupted,
    };
  }
}
