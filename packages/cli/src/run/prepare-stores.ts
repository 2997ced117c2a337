// A run's first step: the faults' setups (a Redis of their own, a Postgres proxy), the run's own
// connections (a wrong URL ends the run here, in one line), and the schema migrated (the database
// created if missing) when run starts the service itself. Each step that starts something is awaited whole, so what it
// started is always stopped.
import { migrate, type ServerConfig, UnavailableError } from '@flashsale/server';
import { type ArmedChaos, armFaults } from '../chaos/arm.js';
import type { RunConfigs } from '../chaos/fault.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { reasonOf, unavailableError } from '../unreachable.js';
import { openConnections, type RunConnections } from './connections.js';
import type { RunContext } from './run-context.js';

export type PreparedStores = {
  /** The service's config and the run's own (they differ with faults that stand in between). */
  configs: RunConfigs;
  connections: RunConnections;
  chaos: ArmedChaos;
};

export async function prepareStores({
  options,
  say,
  started,
  interruption,
}: RunContext): Promise<PreparedStores> {
  const chaos = await armFaults(options.chaos, { service: options.server, direct: options.server }, say);
  started.add(() => chaos.close());
  const { configs } = chaos;
  // The schema first: it creates the database on a fresh machine, which the run's own Postgres
  // connection needs to exist.
  if (options.target === undefined) await interruption.unlessAborted(migrateDatabase(configs.direct));
  const connections = await openConnections(configs.direct);
  started.add(() => connections.close());
  interruption.signal.throwIfAborted();
  return { configs, connections, chaos };
}

async function migrateDatabase(config: Readonly<ServerConfig>): Promise<void> {
  try {
    await migrate(config.databaseUrl);
  } catch (error) {
    if (error instanceof UnavailableError) throw unavailableError(error, config);
    throw new CliError(`could not prepare the database: ${reasonOf(error)}`, ExitCode.usageOrUnchecked, {
      cause: error,
    });
  }
}
