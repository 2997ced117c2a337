// One simulator process: reads the sale, opens the ledger, runs the open loop until the schedule
// ends (or stop(), or sell-out), waits for what is in flight, and writes the report. Progress
// goes out as events; nothing here knows about terminals.
import { EventEmitter } from 'node:events';
import { createBuyerContext } from '../buyers/context.js';
import { SessionFactory } from '../buyers/mix.js';
import type { SimOptions } from '../config/options.js';
import { SimError } from '../errors.js';
import { Sender } from '../http/sender.js';
import { LedgerWriter } from '../record/ledger.js';
import { LoopLagSampler } from '../record/loop-lag.js';
import { Recorder } from '../record/recorder.js';
import type { SecondFigures } from '../record/timeline.js';
import { checkReportPath, writeReportFile } from '../report/file.js';
import { assembleReport, reportConfigOf } from '../report/json.js';
import type { OutcomeHistograms, ReportParts } from '../report/parts.js';
import type { FaultReport, SimReport } from '../report/types.js';
import { SaleMonitor } from '../sale/monitor.js';
import { isSoldOut, type SaleSnapshot } from '../sale/snapshot.js';
import { OpenLoop } from '../schedule/open-loop.js';
import { plannedDurationMs, plannedRequests, RateSchedule } from '../schedule/stages.js';
import type { Simulation, SimulationEvents, StopReason } from '../simulation.js';
import { type RunSetup, standaloneSetup } from './setup.js';
import { Traffic } from './traffic.js';
import { warmUp } from './warm-up.js';

/** Grace beyond --timeout for in-flight requests after the schedule ends. */
const drainGraceMs = 1000;
const saleWatchIntervalMs = 1000;

type SaleFacts = { snapshot: SaleSnapshot | null; size: number; soldOutAtMs: number | null };

export class LocalRun extends EventEmitter<SimulationEvents> implements Simulation {
  readonly done: Promise<SimReport>;
  readonly #options: SimOptions;
  readonly #setup: RunSetup;
  readonly #recorder: Recorder;
  readonly #faults: FaultReport[] = [];
  readonly #timeline: SecondFigures[] = [];
  #ledger: LedgerWriter | null = null;
  #schedule: RateSchedule | null = null;
  #monitor: SaleMonitor | null = null;
  #lag: LoopLagSampler | null = null;
  #sale: SaleFacts | null = null;
  #watchesSale = false;
  #lastSold: number | null = null;
  #monitorRequests = 0;
  #startMs = 0;
  #stoppedAtMs: number | null = null;
  #isInterrupted = false;

  constructor(options: SimOptions, setup: RunSetup = standaloneSetup) {
    super();
    this.#options = options;
    this.#setup = setup;
    this.#recorder = new Recorder(options.lateAfterMs);
    this.done = this.#run();
  }

  markFault(kind: string, detail?: string): void {
    const fault: FaultReport = { kind, at_ms: epochMs(performance.now()), detail: detail ?? null };
    this.#faults.push(fault);
    this.#recorder.onFault(kind);
    this.#ledger?.writeFault({ kind, atMs: fault.at_ms, detail: fault.detail });
  }

  stop(reason?: StopReason): void {
    if (reason === 'interrupted') this.#isInterrupted = true;
    if (this.#stoppedAtMs !== null) return;
    this.#stoppedAtMs = performance.now();
    this.#schedule?.endAt(this.#stoppedAtMs);
  }

  async #run(): Promise<SimReport> {
    const options = this.#options;
    const watchesSale = this.#setup.mayWatchSale && (options.stopsAtSellout || options.progress === 'live');
    this.#watchesSale = watchesSale;
    if (this.#setup.sale === null || watchesSale)
      this.#monitor = new SaleMonitor(options.target, options.timeoutMs);
    let sender: Sender | null = null;
    try {
      if (options.warmUpMs > 0) await warmUp(options, (warmOptions) => new LocalRun(warmOptions).done);
      if (options.reportPath !== null) await checkReportPath(options.reportPath);
      this.#sale = await this.#readSale();
      if (!watchesSale) await this.#closeMonitor();
      await this.#openLedger();
      sender = new Sender(options.target, options.connections, options.timeoutMs);
      await sender.warmUp();
      const context = createBuyerContext(options.scenario, this.#sale.size, options.userLimit);
      const traffic = new Traffic({
        factory: new SessionFactory({ ...options, context }),
        context,
        sender,
        recorder: this.#recorder,
        ledger: this.#ledger,
        maxInFlight: options.maxInFlight,
        requestIdPrefix: `${options.runId}-${options.shard.index}-`,
      });
      const startEpochMs = this.#setup.waitForStart === null ? null : await this.#setup.waitForStart();
      this.#startMs = startEpochMs === null ? performance.now() : startEpochMs - performance.timeOrigin;
      if (watchesSale) this.#watchSale();
      await this.#drive(traffic, sender);
      const scheduleEndMs = Math.min(this.#stoppedAtMs ?? Number.POSITIVE_INFINITY, this.#plannedEndMs());
      if (this.#monitor !== null) await this.#monitor.read();
      await this.#closeMonitor();
      await this.#ledger?.close();
      this.#ledger = null;
      const report = assembleReport(
        this.#parts(traffic, Math.max(scheduleEndMs, this.#startMs), context.stats),
      );
      if (options.reportPath !== null) await writeReportFile(options.reportPath, report);
      this.emit('done', report);
      return report;
    } finally {
      await sender?.destroy();
      await this.#closeMonitor();
      // Only reached with a ledger still open when the run failed: that failure is the one to report.
      await this.#ledger?.close().catch(() => undefined);
    }
  }

  async #readSale(): Promise<SaleFacts> {
    if (this.#setup.sale !== null) {
      const snapshot = this.#setup.sale.snapshot;
      return { snapshot, size: snapshot?.size ?? this.#options.saleSize, soldOutAtMs: null };
    }
    const reading = await (this.#monitor as SaleMonitor).read();
    if (!reading.isReachable) {
      throw new SimError('target_unreachable', `cannot reach ${this.#options.target} (${reading.error})`);
    }
    const snapshot = reading.snapshot;
    return { snapshot, size: snapshot?.size ?? this.#options.saleSize, soldOutAtMs: null };
  }

  async #openLedger(): Promise<void> {
    if (this.#options.ledgerPath === null) return;
    this.#ledger = await LedgerWriter.open(this.#options.ledgerPath, this.#setup.ledgerMode);
    for (const fault of this.#faults)
      this.#ledger.writeFault({ kind: fault.kind, atMs: fault.at_ms, detail: fault.detail });
  }

  #watchSale(): void {
    const onSnapshot = (snapshot: SaleSnapshot) => {
      if (!isSoldOut(snapshot) || this.#sale === null) return;
      this.#sale.soldOutAtMs ??= epochMs(performance.now());
      if (this.#options.stopsAtSellout) this.stop();
    };
    if (this.#sale?.snapshot) onSnapshot(this.#sale.snapshot);
    this.#monitor?.watch(saleWatchIntervalMs, onSnapshot);
  }

  async #drive(traffic: Traffic, sender: Sender): Promise<void> {
    const options = this.#options;
    const schedule = new RateSchedule(options.stages, this.#startMs, this.#setup.phase);
    this.#schedule = schedule;
    if (this.#stoppedAtMs !== null) schedule.endAt(this.#startMs);
    const lag = new LoopLagSampler();
    this.#lag = lag;
    let onScheduleEnd = (): void => undefined;
    const scheduleEnded = new Promise<void>((resolve) => {
      onScheduleEnd = resolve;
    });
    const loop = new OpenLoop(
      schedule,
      {
        fillSlot: (intendedMs, nowMs) => traffic.fillSlot(intendedMs, nowMs),
        closeSecond: (second) => this.#closeSecond(second),
        onScheduleEnd,
      },
      this.#startMs,
      () => performance.now(),
    );
    lag.start();
    this.emit('start', {
      runId: options.runId,
      startedAtMs: epochMs(this.#startMs),
      plannedDurationMs: plannedDurationMs(options.stages),
      plannedRequests: plannedRequests(options.stages, this.#setup.phase),
      saleSize: this.#sale?.size ?? options.saleSize,
      workers: options.workers,
      stopsAtSellout: options.stopsAtSellout,
    });
    loop.start();
    await scheduleEnded;
    const isDrained = await Promise.race([
      traffic.whenDrained().then(() => true),
      sleep(options.timeoutMs + drainGraceMs).then(() => false),
    ]);
    if (!isDrained) {
      traffic.abandonInFlight();
      await sender.destroy();
    }
    loop.stop();
    this.#closeSecond(loop.second);
    traffic.endAllSessions();
  }

  #closeSecond(second: number): void {
    const figures = this.#recorder.closeSecond(second, epochMs(this.#startMs + second * 1000), {
      itemsSold: this.#itemsSold(),
      eventLoopLagP99Ms: this.#lag?.takeSecondP99Ms() ?? null,
    });
    this.#timeline.push(figures);
    this.#ledger?.flush();
    const recorder = this.#recorder;
    this.emit('tick', {
      ...figures,
      elapsedMs: performance.now() - this.#startMs,
      plannedDurationMs: plannedDurationMs(this.#options.stages),
      totals: {
        scheduled: recorder.scheduled,
        sent: recorder.sent,
        done: recorder.done,
        late: recorder.late,
        dropped: recorder.dropped,
        errors: recorder.errors,
        maxInFlight: recorder.maxInFlight,
      },
    });
  }

  #plannedEndMs(): number {
    return this.#startMs + plannedDurationMs(this.#options.stages);
  }

  #parts(
    traffic: Traffic,
    scheduleEndMs: number,
    stats: { itemsWanted: number; holdsAbandoned: number },
  ): ReportParts {
    const recorder = this.#recorder;
    const options = this.#options;
    const outcomes = new Map<string, OutcomeHistograms>();
    for (const endpoint of ['checkout', 'purchase'] as const) {
      for (const [outcome, histograms] of recorder.outcomes[endpoint])
        outcomes.set(`${endpoint}.${outcome}`, histograms);
    }
    const sale = this.#sale as SaleFacts;
    return {
      runId: options.runId,
      shard: options.shard.count > 1 ? options.shard : null,
      mergedFrom: 1,
      config: reportConfigOf(options),
      startedAtMs: epochMs(this.#startMs),
      endedAtMs: epochMs(performance.now()),
      durationMs: scheduleEndMs - this.#startMs,
      scheduled: recorder.scheduled,
      late: recorder.late,
      dropped: recorder.dropped,
      maxInFlight: recorder.maxInFlight,
      outcomes,
      scheduleLagUs: recorder.scheduleLagUs,
      sendLagUs: recorder.sendLagUs,
      eventLoopLagMs: this.#lag?.stop() ?? { p50: 0, p99: 0, max: 0 },
      timeline: this.#timeline,
      sale: {
        saleId: sale.snapshot?.saleId ?? null,
        size: sale.size,
        sizeSource: sale.snapshot === null ? 'option' : 'service',
        sold: this.#itemsSold(),
        purchases: recorder.sale.purchases,
        holds: recorder.sale.holds,
        holdsAbandoned: stats.holdsAbandoned,
        itemsWanted: stats.itemsWanted,
        firstSaleAtMs: recorder.sale.firstSaleAtMs,
        lastSaleAtMs: recorder.sale.lastSaleAtMs,
        soldOutAtMs: sale.soldOutAtMs,
        itemsPerBuyer: traffic.itemsPerBuyer,
      },
      faults: this.#faults,
      monitorRequests: this.#monitorRequests,
      interrupted: this.#isInterrupted,
    };
  }

  /** Items sold per the latest GET /sale while the sale is watched; null when it is not. */
  #itemsSold(): number | null {
    if (!this.#watchesSale) return null;
    return this.#monitor?.latest?.sold ?? this.#lastSold;
  }

  async #closeMonitor(): Promise<void> {
    if (this.#monitor === null) return;
    const monitor = this.#monitor;
    this.#monitor = null;
    this.#monitorRequests += monitor.requests;
    this.#lastSold = monitor.latest?.sold ?? this.#lastSold;
    await monitor.close();
  }
}

function epochMs(performanceMs: number): number {
  return performance.timeOrigin + performanceMs;
}

function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs).unref());
}
