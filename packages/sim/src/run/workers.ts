// --workers N: the schedule runs in N child processes, each with 1/N of the rate (its slots
// offset so the streams interleave evenly) and its own slice of the buyer population. The parent
// reads and watches the sale, starts all children at one instant, merges their ticks second by
// second and their reports at the end. All children append to the one ledger file.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { SimOptions } from '../config/options.js';
import { splitShard } from '../config/shard.js';
import { SimError } from '../errors.js';
import { checkReportPath, writeReportFile } from '../report/file.js';
import { assembleReport, partsFromReport, reportConfigOf } from '../report/json.js';
import { mergeParts, mergeSecond } from '../report/merge.js';
import type { SimReport } from '../report/types.js';
import { SaleMonitor } from '../sale/monitor.js';
import { isSoldOut, type SaleSnapshot } from '../sale/snapshot.js';
import { plannedDurationMs, plannedRequests } from '../schedule/stages.js';
import type { SimTick, SimTotals, Simulation, SimulationEvents, StopReason } from '../simulation.js';
import type { ChildMessage, ParentMessage } from './worker-messages.js';

const childEntry = fileURLToPath(new URL('./worker-child.js', import.meta.url));
/** Lead time between "go" and the common start, so every child wakes for its first slot on time. */
const startLeadMs = 100;
const saleWatchIntervalMs = 1000;

type Worker = { readonly process: ChildProcess; readonly report: Promise<SimReport>; isRunning: boolean };

export class WorkerRun extends EventEmitter<SimulationEvents> implements Simulation {
  readonly done: Promise<SimReport>;
  readonly #options: SimOptions;
  readonly #workers: Worker[] = [];
  readonly #pendingFaults: ParentMessage[] = [];
  readonly #ticks = new Map<number, SimTick[]>();
  readonly #soldBySecond = new Map<number, number | null>();
  #isStarted = false;
  #isStopped = false;
  #isInterrupted = false;
  #monitor: SaleMonitor | null = null;
  #soldOutAtMs: number | null = null;

  constructor(options: SimOptions) {
    super();
    this.#options = options;
    this.done = this.#run();
  }

  markFault(kind: string, detail?: string): void {
    const message: ParentMessage = { type: 'fault', kind, detail: detail ?? null };
    // One worker records it, so the merged ledger, report and timeline hold it once.
    if (this.#isStarted) this.#workers[0]?.process.send(message);
    else this.#pendingFaults.push(message);
  }

  stop(reason?: StopReason): void {
    if (reason === 'interrupted') this.#isInterrupted = true;
    this.#isStopped = true;
    for (const worker of this.#workers)
      if (worker.isRunning) worker.process.send({ type: 'stop' } satisfies ParentMessage);
  }

  async #run(): Promise<SimReport> {
    const options = this.#options;
    const watchesSale = options.stopsAtSellout || options.progress === 'live';
    this.#monitor = new SaleMonitor(options.target, options.timeoutMs);
    try {
      if (options.reportPath !== null) await checkReportPath(options.reportPath);
      const reading = await this.#monitor.read();
      if (!reading.isReachable)
        throw new SimError('target_unreachable', `cannot reach ${options.target} (${reading.error})`);
      if (options.ledgerPath !== null) await truncate(options.ledgerPath);
      for (let w = 0; w < options.workers; w++) this.#workers.push(this.#spawn(w, reading.snapshot));
      await Promise.all(this.#workers.map((worker) => whenReady(worker.process)));
      const startedAtMs = Date.now() + startLeadMs;
      for (const worker of this.#workers)
        worker.process.send({ type: 'start', startAtEpochMs: startedAtMs } satisfies ParentMessage);
      this.#isStarted = true;
      for (const fault of this.#pendingFaults.splice(0)) this.#workers[0]?.process.send(fault);
      if (this.#isStopped) this.stop();
      this.#emitStart(startedAtMs, reading.snapshot);
      if (watchesSale) this.#watchSale(reading.snapshot);
      const reports = await Promise.all(this.#workers.map((worker) => worker.report));
      const report = await this.#finish(reports, reading.snapshot, watchesSale);
      this.emit('done', report);
      return report;
    } finally {
      for (const worker of this.#workers) if (worker.isRunning) worker.process.kill();
      await this.#monitor?.close();
    }
  }

  #spawn(worker: number, snapshot: SaleSnapshot | null): Worker {
    const options = this.#options;
    const workers = options.workers;
    const child = fork(childEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const childOptions: SimOptions = {
      ...options,
      stages: options.stages.map((stage) => ({ durationMs: stage.durationMs, rps: stage.rps / workers })),
      shard: splitShard(options.shard, worker, workers),
      saleSize: snapshot?.size ?? options.saleSize,
      workers: 1,
      progress: 'none',
      reportPath: null,
      thresholds: [],
    };
    const entry: Omit<Worker, 'report'> = { process: child, isRunning: true };
    const report = new Promise<SimReport>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'tick') this.#onTick(message.tick);
        else if (message.type === 'done') {
          entry.isRunning = false;
          resolve(message.report);
          this.#flushTicks();
        } else if (message.type === 'failed')
          reject(new SimError(message.code, `worker ${worker}: ${message.message}`));
      });
      child.on('exit', (code, signal) => {
        if (!entry.isRunning) return;
        entry.isRunning = false;
        reject(
          new SimError(
            'worker_failed',
            `worker ${worker} exited (${signal ?? `code ${code}`}) before its report`,
          ),
        );
      });
    });
    report.catch(() => undefined);
    const message: ParentMessage = {
      type: 'run',
      options: childOptions,
      setup: { phase: worker / workers, ledgerMode: 'append', sale: { snapshot }, mayWatchSale: false },
    };
    child.send(message);
    return Object.assign(entry, { report });
  }

  #onTick(tick: SimTick): void {
    const seconds = this.#ticks.get(tick.second) ?? [];
    seconds.push(tick);
    this.#ticks.set(tick.second, seconds);
    this.#flushTicks();
  }

  /** Emits each second once every running worker has reported it. */
  #flushTicks(): void {
    const running = this.#workers.filter((worker) => worker.isRunning).length;
    for (const [second, ticks] of [...this.#ticks].sort(([a], [b]) => a - b)) {
      if (ticks.length < running && running > 0) return;
      this.#ticks.delete(second);
      const itemsSold = this.#monitor?.latest?.sold ?? null;
      this.#soldBySecond.set(second, itemsSold);
      const first = ticks[0] as SimTick;
      const merged = mergeSecond(
        second,
        first.atMs,
        ticks,
        ticks.reduce((total, tick) => total + tick.purchases, 0),
      );
      this.emit('tick', {
        ...merged,
        itemsSold,
        elapsedMs: Math.max(...ticks.map((tick) => tick.elapsedMs)),
        plannedDurationMs: first.plannedDurationMs,
        totals: addTotals(ticks.map((tick) => tick.totals)),
      });
    }
  }

  #emitStart(startedAtMs: number, snapshot: SaleSnapshot | null): void {
    const options = this.#options;
    this.emit('start', {
      runId: options.runId,
      startedAtMs,
      plannedDurationMs: plannedDurationMs(options.stages),
      plannedRequests: plannedRequests(options.stages),
      saleSize: snapshot?.size ?? options.saleSize,
      workers: options.workers,
      stopsAtSellout: options.stopsAtSellout,
    });
  }

  #watchSale(snapshot: SaleSnapshot | null): void {
    const onSnapshot = (sale: SaleSnapshot) => {
      if (!isSoldOut(sale)) return;
      this.#soldOutAtMs ??= Date.now();
      if (this.#options.stopsAtSellout) this.stop();
    };
    if (snapshot !== null) onSnapshot(snapshot);
    this.#monitor?.watch(saleWatchIntervalMs, onSnapshot);
  }

  async #finish(
    reports: readonly SimReport[],
    snapshot: SaleSnapshot | null,
    watchesSale: boolean,
  ): Promise<SimReport> {
    const options = this.#options;
    const monitor = this.#monitor as SaleMonitor;
    if (watchesSale) await monitor.read();
    const parts = mergeParts(reports.map(partsFromReport));
    const report = assembleReport({
      ...parts,
      runId: options.runId,
      shard: options.shard.count > 1 ? options.shard : null,
      config: reportConfigOf(options),
      timeline: parts.timeline.map((second) => ({
        ...second,
        itemsSold: this.#soldBySecond.get(second.second) ?? null,
      })),
      sale: {
        ...parts.sale,
        saleId: snapshot?.saleId ?? null,
        size: snapshot?.size ?? options.saleSize,
        sizeSource: snapshot === null ? 'option' : 'service',
        sold: watchesSale ? (monitor.latest?.sold ?? null) : null,
        soldOutAtMs: this.#soldOutAtMs,
      },
      monitorRequests: parts.monitorRequests + monitor.requests,
      interrupted: parts.interrupted || this.#isInterrupted,
    });
    if (options.reportPath !== null) await writeReportFile(options.reportPath, report);
    return report;
  }
}

function whenReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') {
        child.off('message', onMessage);
        resolve();
      } else if (message.type === 'failed') reject(new SimError(message.code, message.message));
    };
    child.on('message', onMessage);
    child.once('exit', () => reject(new SimError('worker_failed', 'a worker exited before it was ready')));
  });
}

async function truncate(path: string): Promise<void> {
  try {
    await writeFile(path, '');
  } catch (error) {
    throw new SimError('output_failed', `--ledger: cannot write ${path} (${String(error)})`, {
      flag: '--ledger',
      cause: error,
    });
  }
}

/** Totals of processes running side by side; max in flight adds up to an upper bound. */
function addTotals(all: readonly SimTotals[]): SimTotals {
  const totals = { scheduled: 0, sent: 0, done: 0, late: 0, dropped: 0, errors: 0, maxInFlight: 0 };
  for (const each of all) {
    for (const key of Object.keys(totals) as (keyof SimTotals)[]) totals[key] += each[key];
  }
  return totals;
}
