// The service a run loads: the one it starts (stopped with the run, started again in place after
// kill-server), or the one --target names, which run leaves alone.
import type { ServerConfig } from '@flashsale/server';
import type { ServiceControl } from '../chaos/fault.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { reasonOf } from '../unreachable.js';
import { readSale, type SaleCounts } from './holds.js';
import { RunAborted } from './interruption.js';
import type { RunContext } from './run-context.js';
import { type ServiceProcess, startServiceProcess } from './service.js';
import { serveArgsOf } from './service-args.js';

/** An aborted run gives the service this long to shut down gracefully before SIGKILL. */
const ABORT_SERVICE_GRACE_MS = 5_000;

export type RunTarget = {
  /** The service's address (the same after a restart: it comes back on its port). */
  url: () => string;
  /** What faults may do to it; undefined with --target, a service run did not start. */
  control: ServiceControl | undefined;
};

export async function startTarget(run: RunContext, config: Readonly<ServerConfig>): Promise<RunTarget> {
  const { options, paths, say, interruption, started } = run;
  if (options.target !== undefined) {
    const target = options.target;
    return { url: () => target, control: undefined };
  }
  let service = await launch(run, config);
  started.add(async () => {
    const graceMs = interruption.signal.aborted
      ? ABORT_SERVICE_GRACE_MS
      : config.shutdownGraceMs + ABORT_SERVICE_GRACE_MS;
    const code = await service.stop(graceMs);
    if (code !== 0) say(`the service exited with code ${code}; see ${paths.serviceLog}`);
  });
  // Restarts after kill-server must come back on the same address.
  const restartConfig = Object.freeze({ ...config, port: service.port });
  say(
    `service listening at ${service.url} (${config.workers} worker${config.workers === 1 ? '' : 's'}; log ${paths.serviceLog})`,
  );
  return {
    url: () => service.url,
    control: {
      workerPids: () => service.workerPids(),
      async kill() {
        const killed = service;
        await killed.kill();
        return killed.pid;
      },
      async restart() {
        service = await launch(run, restartConfig);
        return service.pid;
      },
    },
  };
}

/** The run's step that reads the sale the service serves. */
export async function readTargetSale(
  { say, interruption }: RunContext,
  target: RunTarget,
): Promise<SaleCounts> {
  const url = target.url();
  const sale = await interruption.unlessAborted(
    readSale(url).catch((error: unknown) => {
      throw new CliError(
        `could not read the sale from ${url}: ${reasonOf(error)}`,
        ExitCode.usageOrUnchecked,
      );
    }),
  );
  say(`sale ${sale.saleId}: ${sale.size} items, ${sale.available} available`);
  return sale;
}

function launch(
  { paths, interruption }: RunContext,
  config: Readonly<ServerConfig>,
): Promise<ServiceProcess> {
  return startServiceProcess({
    serveArgs: serveArgsOf(config),
    logPath: paths.serviceLog,
    signal: interruption.signal,
  }).catch((error: unknown) => {
    if (error instanceof RunAborted) throw error;
    throw new CliError(`could not start the service: ${reasonOf(error)}`, ExitCode.usageOrUnchecked);
  });
}
