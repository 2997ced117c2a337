import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { addServerFlags, serverConfigFrom } from '../flags/server-flags.js';
import { reasonOf, unavailableError } from '../unreachable.js';

export function register(program: Command): void {
  const command = program
    .command('migrate')
    .description('apply the schema migrations (creating the database if missing)');
  const attributes = addServerFlags(command, ['databaseUrl', 'logLevel']);
  command.action(async (options: Record<string, unknown>) => {
    const config = serverConfigFrom(options, attributes);
    const { migrate, createLogger, UnavailableError } = await import('@flashsale/server');
    const log = await createLogger(config.logLevel, { service: 'flashsale' });
    try {
      const result = await migrate(config.databaseUrl, log);
      log.info('migrated', { applied: result.applied.length, current: result.current });
    } catch (error) {
      if (error instanceof UnavailableError) throw unavailableError(error, config);
      throw new CliError(`could not migrate: ${reasonOf(error)}`, ExitCode.usageOrUnchecked, {
        cause: error,
      });
    }
  });
}
