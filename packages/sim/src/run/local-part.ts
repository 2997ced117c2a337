// The schedule run in this process: warms up, opens the ledger and the connections, then runs
// the open loop from the start moment until the schedule ends (or stop()), waits for what is in
// flight, and hands over its figures. Each closed second goes out as a tick.
import { type BuyerContext, createBuyerContext, totalStats } from '../buyers/context.js';
import { SessionFactory } from '../buyers/mix.js';
import type { SimOptions } from '../config/options.js';
import { AnswerReader } from '../http/answer.js';
import { Sender } from '../http/sender.js';
import { createHistogram } from '../record/histograms.js';
import { LedgerWriter } from '../record/ledger.js';
import { LoopLagSampler } from '../record/loop-lag.js';
import { Recorder } from '../record/recorder.js';
import type { SecondFigures } from '../record/timeline.js';
import { reportConfigOf } from '../report/json.js';
import type { OutcomeHistograms, ReportParts, SalePeriodParts } from '../report/parts.js';
import type { FaultReport } from '../report/types.js';
import { ItemsFeed } from '../sale/items-feed.js';
import { OpenLoop } from '../schedule/open-loop.js';
import { plannedDurationMs, RateSchedule } from '../schedule/stages.js';
import { epochMsOf, epochNowMs, performanceMsOf } from './epoch-clock.js';
import type { PartSale, PartSetup, SchedulePart, TickListener } from './part.js';
import { Traffic } from './traffic.js';
import { warmUp } from './warm-up.js';

/** Grace beyond --timeout for in-flight requests after the schedule ends. */
const drainGraceMs = 1000;

export class LocalPart implements SchedulePart {
  readonly startLeadMs = 0;
  readonly ready: Promise<void>;
  readonly done: Promise<ReportParts>;
  readonly #options: SimOptions;
  readonly #setup: PartSetup;
  readonly #onTick: TickListener;
  readonly #recorder: Recorder;
  readonly #faults: FaultReport[] = [];
  readonly #timeline: SecondFigures[] = [];
  readonly #startAt: Promise<number>;
  #onStart: (startAtEpochMs: number) => void = () => undefined;
  #onReady: () => void = () => undefined;
  #ledger: LedgerWriter | null = null;
  #context: BuyerContext | null = null;
  #schedule: RateSchedule | null = null;
  #lag: LoopLagSampler | null = null;
  #startMs = 0;
  #stoppedAtMs: number | null = null;
  #isAborted = false;
  #isFinished = false;

  constructor(options: SimOptions, setup: PartSetup, onTick: TickListener) {
    this.#options = options;
    this.#setup = setup;
    this.#onTick = onTick;
    this.#recorder = new Recorder(options.lateAfterMs);
    this.#startAt = new Promise((resolve) => {
      this.#onStart = resolve;
    });
    const ready = new Promise<void>((resolve) => {
      this.#onReady = resolve;
    });
    this.done = this.#run();
    // A failure before the part is ready fails `ready` too; either may go unawaited.
    this.ready = Promise.race([ready, this.done.then(() => undefined)]);
    this.ready.catch(() => undefined);
    this.done.catch(() => undefined);
  }

  start(startAtEpochMs: number): void {
    this.#onStart(startAtEpochMs);
  }

  stop(): void {
    if (this.#stoppedAtMs !== null) return;
    this.#stoppedAtMs = performance.now();
    this.#schedule?.endAt(this.#stoppedAtMs);
  }

  markFault(fault: FaultReport): void {
    this.#faults.push(fault);
    this.#recorder.onFault(fault.kind);
    this.#ledger?.writeFault({ kind: fault.kind, atMs: fault.at_ms, detail: fault.detail });
  }

  async abort(): Promise<void> {
    if (this.#isFinished) return;
    this.#isAborted = true;
    this.stop();
    this.start(epochNowMs());
    await this.done.catch(() => undefined);
  }

  async #run(): Promise<ReportParts> {
    const options = this.#options;
    let sender: Sender | null = null;
    let feed: ItemsFeed | null = null;
    try {
      if (options.warmUpMs > 0) await warmUp(options, runAlone);
      const sale = await this.#setup.sale;
      this.#recorder.salePeriodMs = sale.periodMs;
      await this.#openLedger();
      sender = new Sender(options.targets, options.connections, options.timeoutMs);
      await sender.warmUp();
      const context = createBuyerContext(
        options.scenario,
        sale.size,
        options.userLimit,
        options.profile.firstItemId,
        sale.saleId,
      );
      this.#context = context;
      feed = this.#createFeed(context);
      // Buyers start out knowing what is already gone, as a shopper who opens the list first.
      await feed?.sweep();
      const traffic = new Traffic({
        factory: new SessionFactory({ ...options, context }),
        context,
        sender,
        reader: new AnswerReader(options.profile),
        recorder: this.#recorder,
        ledger: this.#ledger,
        maxInFlight: options.maxInFlight,
        requestIdPrefix: `${options.runId}-${options.shard.index}-`,
      });
      this.#onReady();
      const startAtEpochMs = await this.#startAt;
      this.#startMs = performanceMsOf(startAtEpochMs);
      this.#recorder.startedAtEpochMs = startAtEpochMs;
      feed?.start();
      await this.#drive(traffic, sender);
      await feed?.close();
      const scheduleEndMs = Math.min(this.#stoppedAtMs ?? Number.POSITIVE_INFINITY, this.#plannedEndMs());
      await this.#ledger?.close();
      this.#ledger = null;
      return this.#parts(
        traffic,
        Math.max(scheduleEndMs, this.#startMs),
        context,
        sale.size,
        feed?.requests ?? 0,
      );
    } finally {
      this.#isFinished = true;
      await feed?.close();
      await sender?.destroy();
      // Only reached with a ledger still open when the run failed: that failure is the one to report.
      await this.#ledger?.close().catch(() => undefined);
    }
  }

  /**
   * What this part's buyers read of the item list. With --until-sellout it also ends the part
   * when the list shows every item sold: shards other than 0 do not watch GET /sale.
   */
  #createFeed(context: BuyerContext): ItemsFeed | null {
    const options = this.#options;
    // GET /sale/items is this service's; a target without GET /sale has no item list either.
    if (options.itemsRefreshMs === 0 || !options.profile.hasSaleEndpoint) return null;
    return new ItemsFeed({
      // Spread over the targets, so N parts do not all read one instance.
      target: options.targets[options.shard.index % options.targets.length] ?? '',
      timeoutMs: options.timeoutMs,
      refreshMs: options.itemsRefreshMs,
      soldItems: context.soldItems,
      heldItems: context.heldItems,
      nowMs: epochNowMs,
      onSoldOut: () => {
        if (options.stopsAtSellout) this.stop();
      },
    });
  }

  async #openLedger(): Promise<void> {
    if (this.#options.ledgerPath === null) return;
    this.#ledger = await LedgerWriter.open(this.#options.ledgerPath);
    for (const fault of this.#faults)
      this.#ledger.writeFault({ kind: fault.kind, atMs: fault.at_ms, detail: fault.detail });
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
    // Items sold come from the engine's watch of the sale; it fills them in.
    const figures = this.#recorder.closeSecond(second, epochMsOf(this.#startMs + second * 1000), {
      itemsSold: null,
      eventLoopLagP99Ms: this.#lag?.takeSecondP99Ms() ?? null,
    });
    this.#timeline.push(figures);
    this.#ledger?.flush();
    if (this.#isAborted) return;
    const recorder = this.#recorder;
    this.#onTick({
      ...figures,
      elapsedMs: performance.now() - this.#startMs,
      itemsKnownSold:
        this.#context === null ? 0 : this.#context.saleSize - this.#context.soldItems.unsoldCount,
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
    context: BuyerContext,
    saleSize: number,
    feedRequests: number,
  ): ReportParts {
    const recorder = this.#recorder;
    const stats = totalStats(context);
    const options = this.#options;
    const outcomes = new Map<string, OutcomeHistograms>();
    for (const endpoint of ['checkout', 'purchase'] as const) {
      for (const [outcome, histograms] of recorder.outcomes[endpoint])
        outcomes.set(`${endpoint}.${outcome}`, histograms);
    }
    return {
      runId: options.runId,
      shard: options.shard.count > 1 ? options.shard : null,
      mergedFrom: 1,
      config: reportConfigOf(options),
      startedAtMs: epochMsOf(this.#startMs),
      endedAtMs: epochNowMs(),
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
        // What the sale looked like is the engine's to say; this part knows what it bought.
        saleId: null,
        size: saleSize,
        sizeSource: 'option',
        sold: null,
        purchases: recorder.sale.purchases,
        holds: recorder.sale.holds,
        holdsAbandoned: stats.holdsAbandoned,
        itemsWanted: stats.itemsWanted,
        firstSaleAtMs: recorder.sale.firstSaleAtMs,
        lastSaleAtMs: recorder.sale.lastSaleAtMs,
        soldOutAtMs: null,
        itemsPerBuyer: traffic.itemsPerBuyer,
      },
      sales: salePeriodsOf(recorder, context, saleSize),
      faults: this.#faults,
      monitorRequests: feedRequests,
      interrupted: false, // a person interrupts the engine, which says so in the report
    };
  }
}

/** A whole schedule in this process, started at once and alone: the warm-up's throwaway run. */
async function runAlone(options: SimOptions, sale: PartSale): Promise<ReportParts> {
  const part = new LocalPart(options, { phase: 0, sale: Promise.resolve(sale) }, () => undefined);
  await part.ready;
  part.start(epochNowMs());
  return part.done;
}

/**
 * What this part saw of each sale: its answers' tallies and the demand of the sessions started in
 * it. The sale's period, size and GET /sale readings are the engine's to fill in.
 */
function salePeriodsOf(recorder: Recorder, context: BuyerContext, saleSize: number): SalePeriodParts[] {
  const ids = new Set<number | null>([...recorder.sales.keys(), ...context.statsBySale.keys()]);
  return [...ids]
    .sort((a, b) => (a ?? -1) - (b ?? -1))
    .map((saleId) => {
      const tally = recorder.sales.get(saleId);
      const stats = context.statsBySale.get(saleId);
      return {
        saleId,
        startsAtMs: null,
        endsAtMs: null,
        size: saleSize,
        sold: null,
        soldOutAtMs: null,
        purchases: tally?.purchases ?? 0,
        holds: tally?.holds ?? 0,
        holdsAbandoned: stats?.holdsAbandoned ?? 0,
        itemsWanted: stats?.itemsWanted ?? 0,
        firstSaleAtMs: tally?.firstSaleAtMs ?? null,
        lastSaleAtMs: tally?.lastSaleAtMs ?? null,
        purchaseAtUs: tally?.purchaseAtUs ?? createHistogram(),
        firstSecondUs: tally?.firstSecondUs ?? createHistogram(),
      };
    });
}

function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs).unref());
}
