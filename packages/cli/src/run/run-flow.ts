// `flashsale run`: serve + simulate + verify against the same databases, as one CI gate.
//   1. migrate, pick a sale period that starts now (so every run gets a fresh sale), start the
//      service as a child process (unless --target names one);
//   2. run the simulator until sell-out (or its duration), with the ledger and report in --out,
//      injecting the --chaos faults meanwhile;
//   3. wait for the sale to come to rest (pending purchases settled, holds lapsed), then verify
//      the sale with the ledger;
//   4. write the verdict (table, JSON, JUnit) into --out and stop what it started.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrate, PENDING_GRACE_MS, type ServerConfig } from '@flashsale/server';
import { checkThresholds, parseSimOptions, type SimFlags, type SimReport } from '@flashsale/sim';
import type { FaultKind } from '../chaos/faults.js';
import { type FaultImpact, measureImpact } from '../chaos/impact.js';
import { type FaultRecord, injectFaults } from '../chaos/injector.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { renderHtmlReport } from '../html/render-report.js';
import { formatJson, toJson } from '../output/json.js';
import { formatJunit } from '../output/junit.js';
import { formatTable } from '../output/table.js';
import type { VerifyReport } from '../verify/report.js';
import { verifySale } from '../verify/run-verify.js';
import { faultActions, prepareChaos } from './chaos-setup.js';
import { formatChaosTable } from './chaos-table.js';
import { openConnections, type RunConnections } from './connections.js';
import { withFreshSale } from './fresh-sale.js';
import { readSale } from './holds.js';
import { startLoad } from './load.js';
import { type ServiceProcess, startService } from './service.js';
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
  verify: VerifyReport;
  sim: SimReport;
  faults: FaultImpact[];
};

/** A sale must outlast the load by this much: holds lapse and the verifier reads it at rest. */
const SALE_MARGIN_MS = 60_000;
const HOLD_WAIT_MARGIN_MS = 15_000;

type Paths = Record<'ledger' | 'report' | 'html' | 'verify' | 'junit' | 'chaos' | 'serviceLog', string>;

export async function runAll(options: RunOptions): Promise<RunResult> {
  const say = (line: string) => options.output.write(`run: ${line}\n`);
  await mkdir(options.outDir, { recursive: true });
  const paths: Paths = {
    ledger: join(options.outDir, 'ledger.jsonl'),
    report: join(options.outDir, 'report.json'),
    html: join(options.outDir, 'report.html'),
    verify: join(options.outDir, 'verify.json'),
    junit: join(options.outDir, 'junit.xml'),
    chaos: join(options.outDir, 'chaos.json'),
    serviceLog: join(options.outDir, 'service.log'),
  };
  const probe = parseSim(options, 'http://127.0.0.1:1', paths);
  if (options.chaos.length > 0 && options.target !== undefined) {
    throw new CliError(
      '--chaos needs the service that run starts itself; drop --target',
      ExitCode.usageOrUnchecked,
    );
  }
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const chaos =
      options.chaos.length > 0 ? await prepareChaos(options.chaos, options.server, say) : undefined;
    if (chaos !== undefined) cleanups.push(() => chaos.env.close());
    let direct = chaos?.env.directConfig ?? options.server;
    let serviceConfig = chaos?.env.serviceConfig ?? options.server;

    let service: ServiceProcess | undefined;
    let target = options.target;
    if (target === undefined) {
      await migrate(direct.databaseUrl).catch((error: unknown) => {
        throw new CliError(
          `could not prepare the database: ${(error as Error).message}`,
          ExitCode.usageOrUnchecked,
        );
      });
      if (!options.isSaleDurationGiven) {
        const plannedLoadMs = probe.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
        const saleDurationMs = await withFreshSale(
          direct,
          plannedLoadMs + direct.holdTtlMs + SALE_MARGIN_MS,
          say,
        );
        direct = Object.freeze({ ...direct, saleDurationMs });
        serviceConfig = Object.freeze({ ...serviceConfig, saleDurationMs });
      }
      service = await launch(serviceConfig, paths.serviceLog);
      cleanups.push(async () => {
        const code = await service?.stop();
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
    const sale = await readSale(target).catch((error: unknown) => {
      throw new CliError(
        `could not read the sale from ${target}: ${(error as Error).message}`,
        ExitCode.usageOrUnchecked,
      );
    });
    say(`sale ${sale.saleId}: ${sale.size} items, ${sale.available} available`);
    const connections = await openConnections(direct);
    cleanups.push(() => connections.close());

    const load = await startLoad(parseSim(options, target, paths), options.output);
    const faultsDone: Promise<FaultRecord[]> =
      chaos === undefined
        ? Promise.resolve([])
        : injectFaults({
            kinds: options.chaos,
            seed: probe.seed,
            mark: (kind, detail) => load.simulation.markFault(kind, detail),
            serviceUrl: () => service?.url ?? target!,
            isLoadRunning: load.isRunning,
            log: say,
            actions: faultActions({
              seed: probe.seed,
              saleId: sale.saleId,
              redis: connections.redis,
              postgres: connections.postgres,
              ownRedis: chaos.redis,
              proxy: chaos.proxy,
              workerPids: () => service?.workerPids() ?? [],
              killService: async () => {
                const pid = service!.pid;
                await service!.kill();
                return pid;
              },
              restartService: async () => {
                service = await launch(serviceConfig, paths.serviceLog);
                return service.pid;
              },
            }),
          });
    const sim = await load.finished;
    const faults = await faultsDone;
    say(`load done: ${sim.requests} requests, ${sim.sale.purchases} purchases acknowledged`);
    return await settleAndVerify({
      options,
      direct,
      sale,
      sim,
      faults,
      connections,
      target: () => service?.url ?? target!,
      paths,
      say,
      thresholds: probe.thresholds,
    });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function settleAndVerify(step: {
  options: RunOptions;
  direct: Readonly<ServerConfig>;
  sale: { saleId: number };
  sim: SimReport;
  faults: FaultRecord[];
  connections: RunConnections;
  target: () => string;
  paths: Paths;
  say: (line: string) => void;
  thresholds: ReturnType<typeof parseSimOptions>['thresholds'];
}): Promise<RunResult> {
  const { options, direct, sale, sim, paths, say } = step;
  const rest = await waitForRest(
    {
      redis: step.connections.redis,
      target: step.target,
      saleId: sale.saleId,
      pendingDeadlineMs: Date.now() + PENDING_GRACE_MS + 3 * direct.reconcileIntervalMs + 5000,
      holdsDeadlineMs: Date.now() + PENDING_GRACE_MS + direct.holdTtlMs + HOLD_WAIT_MARGIN_MS,
    },
    say,
  );
  if (rest !== undefined)
    say(`at rest: sold ${rest.sold}/${rest.size}, held ${rest.held}, available ${rest.available}`);

  const verify = await verifySale({
    databaseUrl: direct.databaseUrl,
    redisUrl: direct.redisUrl,
    redisKeyPrefix: direct.redisKeyPrefix,
    sale: sale.saleId,
    ledgerPaths: [paths.ledger],
    isSelloutExpected: sim.sellout_expected,
    graceMs: options.graceMs,
  });
  await writeFile(paths.verify, formatJson(verify));
  await writeFile(paths.junit, formatJunit(verify));
  const faults =
    step.faults.length === 0 ? [] : await measureImpact(paths.ledger, step.faults, step.connections.postgres);
  if (faults.length > 0) {
    await writeFile(paths.chaos, `${JSON.stringify(faults, null, 2)}\n`);
    options.output.write(`${formatChaosTable(faults)}\n`);
  }
  options.output.write(`${formatTable(verify)}\n`);
  await writeFile(
    paths.html,
    renderHtmlReport({ sim, verify: toJson(verify), title: 'flashsale run report' }),
  );
  say(`report: ${paths.html}`);

  const missed = checkThresholds(sim, step.thresholds).filter((r) => !r.isPassed);
  const exitCode =
    verify.verdict === 'fail'
      ? ExitCode.invariantViolated
      : missed.length > 0
        ? ExitCode.thresholdMissed
        : ExitCode.ok;
  if (missed.length > 0)
    say(`threshold missed: ${missed.map((r) => `${r.source} (actual ${r.actualText})`).join(', ')}`);
  say(`outputs in ${options.outDir}`);
  return { exitCode, outDir: options.outDir, verify, sim, faults };
}

function launch(config: Readonly<ServerConfig>, logPath: string): Promise<ServiceProcess> {
  return startService(serveArgsOf(config), logPath).catch((error: unknown) => {
    throw new CliError(`could not start the service: ${(error as Error).message}`, ExitCode.usageOrUnchecked);
  });
}

function parseSim(options: RunOptions, target: string, paths: Paths) {
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
      { isTty: options.output.isTTY === true, env: process.env },
    );
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.usageOrUnchecked, { cause: error });
  }
}
