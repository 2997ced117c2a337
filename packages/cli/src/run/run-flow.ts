// `flashsale run`: serve + simulate + verify against the same databases, as one CI gate.
//   1. migrate, pick a sale period that starts now (so every run gets a fresh sale), start the
//      service as a child process (unless --target names one);
//   2. run the simulator until sell-out (or its duration), with the ledger and report in --out;
//   3. wait for every hold to lapse, then verify the sale with the ledger;
//   4. write the verdict (table, JSON, JUnit) into --out and stop the service.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrate, type ServerConfig, saleKeys } from '@flashsale/server';
import {
  checkThresholds,
  formatSummary,
  parseSimOptions,
  type SimFlags,
  type SimReport,
  simulate,
  startProgress,
} from '@flashsale/sim';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatJson } from '../output/json.js';
import { formatJunit } from '../output/junit.js';
import { formatTable } from '../output/table.js';
import type { VerifyReport } from '../verify/report.js';
import { verifySale } from '../verify/run-verify.js';
import { pickFreshSale } from './fresh-sale.js';
import { readSale, waitForHoldsToLapse } from './holds.js';
import { type ServiceProcess, startService } from './service.js';
import { serveArgsOf } from './service-args.js';

export type RunOptions = {
  server: Readonly<ServerConfig>;
  /** False: run picks a sale period that starts now. */
  isSaleDurationGiven: boolean;
  /** An already running service to load instead of starting one. */
  target: string | undefined;
  /** Simulator flags (not target, report or ledger: run sets those). */
  simFlags: SimFlags;
  outDir: string;
  graceMs: number;
  output: NodeJS.WriteStream;
};

export type RunResult = { exitCode: ExitCode; outDir: string; verify: VerifyReport; sim: SimReport };

const FRESH_SALE_MAX_WAIT_MS = 3000;
/** A sale must outlast the load by this much: holds lapse and the verifier reads it at rest. */
const SALE_MARGIN_MS = 60_000;
const HOLD_WAIT_MARGIN_MS = 15_000;

export async function runAll(options: RunOptions): Promise<RunResult> {
  const say = (line: string) => options.output.write(`run: ${line}\n`);
  await mkdir(options.outDir, { recursive: true });
  const paths = {
    ledger: join(options.outDir, 'ledger.jsonl'),
    report: join(options.outDir, 'report.json'),
    verify: join(options.outDir, 'verify.json'),
    junit: join(options.outDir, 'junit.xml'),
    serviceLog: join(options.outDir, 'service.log'),
  };
  const probe = parseSim(options, 'http://127.0.0.1:1', paths);
  const plannedLoadMs = probe.stages.reduce((sum, stage) => sum + stage.durationMs, 0);

  let config = options.server;
  let service: ServiceProcess | undefined;
  let target = options.target;
  try {
    if (target === undefined) {
      await migrate(config.databaseUrl).catch((error: unknown) => {
        throw new CliError(
          `could not prepare the database: ${(error as Error).message}`,
          ExitCode.usageOrUnchecked,
        );
      });
      if (!options.isSaleDurationGiven)
        config = await withFreshSale(config, plannedLoadMs + config.holdTtlMs + SALE_MARGIN_MS, say);
      service = await startService(serveArgsOf(config), paths.serviceLog).catch((error: unknown) => {
        throw new CliError(
          `could not start the service: ${(error as Error).message}`,
          ExitCode.usageOrUnchecked,
        );
      });
      target = service.url;
      say(
        `service listening at ${target} (${config.workers} worker${config.workers === 1 ? '' : 's'}; log ${paths.serviceLog})`,
      );
    }
    const sale = await readSale(target).catch((error: unknown) => {
      throw new CliError(
        `could not read the sale from ${target}: ${(error as Error).message}`,
        ExitCode.usageOrUnchecked,
      );
    });
    say(`sale ${sale.saleId}: ${sale.size} items, ${sale.available} available`);

    const sim = await runSimulation(parseSim(options, target, paths), options.output);
    say(`load done: ${sim.requests} requests, ${sim.sale.purchases} purchases acknowledged`);

    const holdWaitMs = config.holdTtlMs + HOLD_WAIT_MARGIN_MS;
    const rest = await waitForHoldsToLapse(target, Date.now() + holdWaitMs, (counts) =>
      say(
        `waiting for ${counts.held} hold${counts.held === 1 ? '' : 's'} to lapse (sold ${counts.sold}/${counts.size})`,
      ),
    );
    if (rest !== undefined)
      say(`at rest: sold ${rest.sold}/${rest.size}, held ${rest.held}, available ${rest.available}`);

    const verify = await verifySale({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisKeyPrefix: config.redisKeyPrefix,
      sale: sale.saleId,
      ledgerPaths: [paths.ledger],
      isSelloutExpected: sim.sellout_expected,
      graceMs: options.graceMs,
    });
    await writeFile(paths.verify, formatJson(verify));
    await writeFile(paths.junit, formatJunit(verify));
    options.output.write(`${formatTable(verify)}\n`);

    const missed = checkThresholds(sim, probe.thresholds).filter((r) => !r.isPassed);
    const exitCode =
      verify.verdict === 'fail'
        ? ExitCode.invariantViolated
        : missed.length > 0
          ? ExitCode.thresholdMissed
          : ExitCode.ok;
    say(`outputs in ${options.outDir}`);
    if (missed.length > 0)
      say(`threshold missed: ${missed.map((r) => `${r.source} (actual ${r.actualText})`).join(', ')}`);
    return { exitCode, outDir: options.outDir, verify, sim };
  } finally {
    if (service !== undefined) {
      const code = await service.stop();
      if (code !== 0) say(`the service exited with code ${code}; see ${paths.serviceLog}`);
    }
  }
}

function parseSim(options: RunOptions, target: string, paths: { ledger: string; report: string }) {
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

async function runSimulation(
  simOptions: ReturnType<typeof parseSimOptions>,
  output: NodeJS.WriteStream,
): Promise<SimReport> {
  const simulation = simulate(simOptions);
  const progress = await startProgress(simulation, simOptions.progress, output);
  const onInterrupt = () => simulation.stop();
  process.once('SIGINT', onInterrupt);
  try {
    const report = await simulation.done;
    await progress.finished;
    output.write(formatSummary(report, checkThresholds(report, simOptions.thresholds)));
    return report;
  } catch (error) {
    throw new CliError(`the load could not run: ${(error as Error).message}`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function withFreshSale(
  config: Readonly<ServerConfig>,
  minDurationMs: number,
  say: (line: string) => void,
): Promise<Readonly<ServerConfig>> {
  const [{ default: pg }, { Redis }] = await Promise.all([import('pg'), import('ioredis')]);
  const client = new pg.Client({ connectionString: config.databaseUrl });
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  await client.connect();
  await redis.connect();
  try {
    const fresh = await pickFreshSale({
      nowMs: Date.now(),
      minDurationMs,
      maxDurationMs: minDurationMs + 3_600_000,
      maxWaitMs: FRESH_SALE_MAX_WAIT_MS,
      // Taken in this database, or by any run sharing this Redis and key prefix.
      isTaken: async (saleId) =>
        ((await client.query('SELECT 1 FROM sales WHERE sale_id = $1', [saleId])).rowCount ?? 0) > 0 ||
        (await redis.exists(saleKeys(saleId).meta)) === 1,
    });
    if (fresh === undefined) {
      throw new CliError(
        'found no free sale period to run in; pass --sale-duration',
        ExitCode.usageOrUnchecked,
      );
    }
    say(
      `sale period of ${fresh.saleDurationMs / 1000} s starting ${new Date(fresh.startsAtMs).toISOString()} (sale ${fresh.saleId})`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, fresh.startsAtMs - Date.now())));
    return Object.freeze({ ...config, saleDurationMs: fresh.saleDurationMs });
  } finally {
    await client.end();
    redis.disconnect();
  }
}
