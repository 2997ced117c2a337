// `flashsale run`: serve + simulate + verify against the same databases, as one CI gate.
//   1. connect to Postgres and Redis (a wrong URL ends the run here, in one line), migrate, pick a
//      sale period that starts now (so every run gets a fresh sale), start the service as a child
//      process (unless --target names one);
//   2. run the simulator until sell-out (or its duration), with the ledger and report in --out,
//      injecting the --chaos faults meanwhile;
//   3. wait for the sale to come to rest (pending purchases settled, holds lapsed), then verify
//      the sale with the ledger;
//   4. write the verdict (table, JSON, JUnit, HTML) into --out and stop what it started.
// Ctrl-C: see run/interruption.ts. Whatever run started is stopped on every way out.
import { mkdir } from 'node:fs/promises';
import { migrate, PENDING_GRACE_MS, type ServerConfig, UnavailableError } from '@flashsale/server';
import { parseSimOptions, type SimFlags, type SimOptions, type SimReport } from '@flashsale/sim';
import { type ArmedChaos, armFaults } from '../chaos/arm.js';
import type { FaultImpact } from '../chaos/impact.js';
import { type FaultRecord, injectFaults } from '../chaos/injector.js';
import type { FaultKind } from '../chaos/kinds.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { reasonOf, unavailableError } from '../unreachable.js';
import type { VerifyReport } from '../verify/report.js';
import { verifySale } from '../verify/run-verify.js';
import { openConnections, type RunConnections } from './connections.js';
import { withFreshSale } from './fresh-sale.js';
import { readSale } from './holds.js';
import { type Interruption, RunAborted, watchInterrupts } from './interruption.js';
import { type Load, startLoad } from './load.js';
import { type Paths, pathsIn, writeAbortedOutputs, writeVerdict } from './outputs.js';
import { type ServiceProcess, startServiceProcess } from './service.js';
import { serveArgsOf } from './service-args.js';
import { waitForRest } from './settle.js';

export type RunOptions = {
  server: Readonly<ServerConfig>;
  /** False: run picks a sale period that starts now. */
  isSaleDurationGiven: boolean;
  /** An already running service to load instead of starting one. */
  target: string | undefined;
  /** Simulator flags (not target, report or ledger: run sets those). */
  simFlags: SimFlags;
  chaos: readonly FaultKind[];
  outDir: string;
  graceMs: number;
  output: NodeJS.WriteStream;
};

export type RunResult = {
  exitCode: ExitCode;
  outDir: string;
  /** undefined when the run was aborted before verifying. */
  verify: VerifyReport | undefined;
  /** undefined when the run was aborted before the load ended. */
  sim: SimReport | undefined;
  faults: FaultImpact[];
};

/** A sale must outlast the load by this much: holds lapse and the verifier reads it at rest. */
const SALE_MARGIN_MS = 60_000;
const HOLD_WAIT_MARGIN_MS = 15_000;
/** An aborted run gives the service this long to shut down gracefully before SIGKILL. */
const ABORT_SERVICE_GRACE_MS = 5_000;
/** After an abort, how long the load may take to write its report (the service is gone by then). */
const ABORT_LOAD_WAIT_MS = 5_000;

type Say = (line: string) => void;

/** What run started, stopped in reverse order, once, however the run ends. */
class Started {
  readonly #stops: Array<() => Promise<unknown>> = [];

  add(stop: () => Promise<unknown>): void {
    this.#stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}

type Flow = {
  options: RunOptions;
  paths: Paths;
  say: Say;
  probe: SimOptions;
  interruption: Interruption;
  started: Started;
  /** The load, once started (an aborted run still collects its report). */
  load: Load | undefined;
};

export async function runAll(options: RunOptions): Promise<RunResult> {
  const say: Say = (line) => options.output.write(`run: ${line}\n`);
  await mkdir(options.outDir, { recursive: true });
  const paths = pathsIn(options.outDir);
  const probe = parseSim(options, 'http://127.0.0.1:1', paths);
  if (options.chaos.length > 0 && options.target !== undefined) {
    throw new CliError(
      '--chaos needs the service that run starts itself; drop --target',
      ExitCode.usageOrUnchecked,
    );
  }
  const flow: Flow = {
    options,
    paths,
    say,
    probe,
    interruption: watchInterrupts(say),
    started: new Started(),
    load: undefined,
  };
  try {
    return await runSteps(flow);
  } catch (error) {
    if (!(error instanceof RunAborted)) throw error;
    return await endAborted(flow);
  } finally {
    await flow.started.stopAll();
    flow.interruption.dispose();
  }
}

async function runSteps(flow: Flow): Promise<RunResult> {
  const { options, paths, say, interruption, started } = flow;
  // Quick steps that start something are awaited whole, so what they started is always stopped.
  const chaos = await armFaults(options.chaos, { service: options.server, direct: options.server }, say);
  started.add(() => chaos.close());
  let direct = chaos.configs.direct;
  let serviceConfig = chaos.configs.service;
  const connections = await openConnections(direct);
  started.add(() => connections.close());
  interruption.signal.throwIfAborted();

  let service: ServiceProcess | undefined;
  let target = options.target;
  if (target === undefined) {
    await interruption.unlessAborted(prepareDatabase(direct));
    if (!options.isSaleDurationGiven) {
      const plannedLoadMs = flow.probe.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
      const saleDurationMs = await interruption.unlessAborted(
        withFreshSale(
          connections,
          plannedLoadMs + direct.holdTtlMs + SALE_MARGIN_MS,
          say,
          interruption.signal,
        ),
      );
      direct = Object.freeze({ ...direct, saleDurationMs });
      serviceConfig = Object.freeze({ ...serviceConfig, saleDurationMs });
    }
    service = await launch(serviceConfig, paths.serviceLog, interruption.signal);
    started.add(async () => {
      const graceMs = interruption.signal.aborted
        ? ABORT_SERVICE_GRACE_MS
        : serviceConfig.shutdownGraceMs + ABORT_SERVICE_GRACE_MS;
      const code = await service?.stop(graceMs);
      if (code !== 0 && code !== undefined)
        say(`the service exited with code ${code}; see ${paths.serviceLog}`);
    });
    // Restarts after kill-server must come back on the same address.
    serviceConfig = Object.freeze({ ...serviceConfig, port: service.port });
    target = service.url;
    say(
      `service listening at ${target} (${serviceConfig.workers} worker${serviceConfig.workers === 1 ? '' : 's'}; log ${paths.serviceLog})`,
    );
  }
  const sale = await interruption.unlessAborted(readSaleOf(target));
  say(`sale ${sale.saleId}: ${sale.size} items, ${sale.available} available`);

  const load = await startLoad(parseSim(options, target, paths), options.output);
  flow.load = load;
  interruption.loadStarted(() => load.simulation.stop('interrupted'));
  const faultsDone = injectChaos(flow, chaos, {
    saleId: sale.saleId,
    connections,
    service: () => service,
    target: target,
    restart: async () => {
      service = await launch(serviceConfig, paths.serviceLog, interruption.signal);
      return service.pid;
    },
  });
  const sim = await interruption.unlessAborted(load.finished);
  interruption.loadEnded();
  const faults = await interruption.unlessAborted(faultsDone);
  say(`load done: ${sim.requests} requests, ${sim.sale.purchases} purchases acknowledged`);
  return await settleAndVerify(flow, {
    direct,
    sale,
    sim,
    faults,
    connections,
    target: () => service?.url ?? target!,
  });
}

function injectChaos(
  flow: Flow,
  chaos: ArmedChaos,
  around: {
    saleId: number;
    connections: RunConnections;
    service: () => ServiceProcess | undefined;
    target: string;
    restart: () => Promise<number>;
  },
): Promise<FaultRecord[]> {
  const load = flow.load!;
  const faults = chaos.schedule(
    {
      saleId: around.saleId,
      redis: around.connections.redis,
      postgres: around.connections.postgres,
      service: {
        workerPids: () => around.service()?.workerPids() ?? [],
        kill: async () => {
          const service = around.service()!;
          await service.kill();
          return service.pid;
        },
        restart: around.restart,
      },
    },
    flow.probe.seed,
  );
  return injectFaults({
    faults,
    seed: flow.probe.seed,
    mark: (kind, detail) => load.simulation.markFault(kind, detail),
    serviceUrl: () => around.service()?.url ?? around.target,
    isLoadRunning: load.isRunning,
    log: flow.say,
    signal: flow.interruption.signal,
  });
}

async function settleAndVerify(
  flow: Flow,
  step: {
    direct: Readonly<ServerConfig>;
    sale: { saleId: number };
    sim: SimReport;
    faults: FaultRecord[];
    connections: RunConnections;
    target: () => string;
  },
): Promise<RunResult> {
  const { options, paths, say, interruption } = flow;
  const { direct, sale, sim } = step;
  const rest = await interruption.unlessAborted(
    waitForRest(
      {
        redis: step.connections.redis,
        target: step.target,
        saleId: sale.saleId,
        pendingDeadlineMs: Date.now() + PENDING_GRACE_MS + 3 * direct.reconcileIntervalMs + 5000,
        holdsDeadlineMs: Date.now() + PENDING_GRACE_MS + direct.holdTtlMs + HOLD_WAIT_MARGIN_MS,
        signal: interruption.signal,
      },
      say,
    ),
  );
  if (rest !== undefined)
    say(`at rest: sold ${rest.sold}/${rest.size}, held ${rest.held}, available ${rest.available}`);

  const verified = await interruption.unlessAborted(
    verifySale({
      databaseUrl: direct.databaseUrl,
      redisUrl: direct.redisUrl,
      redisKeyPrefix: direct.redisKeyPrefix,
      sale: sale.saleId,
      ledgerPaths: [paths.ledger],
      isSelloutExpected: sim.sellout_expected,
      isRunInterrupted: interruption.isInterrupted,
      graceMs: options.graceMs,
    }),
  );
  // A Ctrl-C during the verification still marks its outputs.
  const verify = interruption.isInterrupted ? { ...verified, isRunInterrupted: true } : verified;
  const { faults, missed } = await writeVerdict({
    paths,
    output: options.output,
    say,
    verify,
    sim,
    faults: step.faults,
    postgres: step.connections.postgres,
    thresholds: flow.probe.thresholds,
  });
  const exitCode =
    verify.verdict === 'fail'
      ? ExitCode.invariantViolated
      : interruption.isInterrupted
        ? ExitCode.interrupted
        : missed > 0
          ? ExitCode.thresholdMissed
          : ExitCode.ok;
  say(`outputs in ${options.outDir}`);
  return { exitCode, outDir: options.outDir, verify, sim, faults };
}

/** A second Ctrl-C (or SIGTERM): stop everything now; keep what the load wrote, marked interrupted. */
async function endAborted(flow: Flow): Promise<RunResult> {
  flow.load?.simulation.stop('interrupted');
  // With the service gone, requests still in flight fail at once and the load can finish.
  await flow.started.stopAll();
  const sim =
    flow.load === undefined ? undefined : await settledWithin(flow.load.finished, ABORT_LOAD_WAIT_MS);
  if (sim !== undefined) await writeAbortedOutputs(flow.paths, sim, flow.say);
  flow.say(`stopped before the end; outputs so far in ${flow.options.outDir}`);
  return { exitCode: ExitCode.interrupted, outDir: flow.options.outDir, verify: undefined, sim, faults: [] };
}

async function settledWithin<T>(work: Promise<T>, waitMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function prepareDatabase(config: Readonly<ServerConfig>): Promise<void> {
  try {
    await migrate(config.databaseUrl);
  } catch (error) {
    if (error instanceof UnavailableError) throw unavailableError(error, config);
    throw new CliError(`could not prepare the database: ${reasonOf(error)}`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  }
}

function readSaleOf(target: string) {
  return readSale(target).catch((error: unknown) => {
    throw new CliError(
      `could not read the sale from ${target}: ${reasonOf(error)}`,
      ExitCode.usageOrUnchecked,
    );
  });
}

function launch(
  config: Readonly<ServerConfig>,
  logPath: string,
  signal: AbortSignal,
): Promise<ServiceProcess> {
  return startServiceProcess({ serveArgs: serveArgsOf(config), logPath, signal }).catch((error: unknown) => {
    if (error instanceof RunAborted) throw error;
    throw new CliError(`could not start the service: ${reasonOf(error)}`, ExitCode.usageOrUnchecked);
  });
}

function parseSim(options: RunOptions, target: string, paths: Paths): SimOptions {
  try {
    return parseSimOptions(
      {
        ...options.simFlags,
        target,
        ledger: paths.ledger,
        report: paths.report,
        saleSize: String(options.server.saleSize),
        userLimit: String(options.server.userLimit),
      },
      {
        isTty: options.output.isTTY === true,
        env: process.env,
      },
    );
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.usageOrUnchecked, { cause: error });
  }
}
