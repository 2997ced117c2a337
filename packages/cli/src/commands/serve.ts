import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { addServerFlags, serverConfigFrom } from '../flags/server-flags.js';
import { reasonOf, unavailableError } from '../unreachable.js';

export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('run the flash-sale service (applies migrations first; stops cleanly on SIGINT/SIGTERM)');
  const attributes = addServerFlags(command);
  command.action(async (options: Record<string, unknown>) => {
    const config = serverConfigFrom(options, attributes);
    const { serve, UnavailableError } = await import('@flashsale/server');
    try {
      const handle = await serve(config);
      await handle.stopped;
    } catch (error) {
      if (error instanceof UnavailableError) throw unavailableError(error, config);
      throw new CliError(`could not start the service: ${reasonOf(error)}`, ExitCode.usageOrUnchecked, {
        cause: error,
      });
    }
  });
}
