import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { addServerFlags, serverConfigFrom } from '../flags/server-flags.js';

export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('run the flash-sale service (applies migrations first; stops cleanly on SIGINT/SIGTERM)');
  const attributes = addServerFlags(command);
  command.action(async (options: Record<string, unknown>) => {
    const config = serverConfigFrom(options, attributes);
    const { serve } = await import('@flashsale/server');
    try {
      const handle = await serve(config);
      await handle.stopped;
    } catch (error) {
      throw new CliError(`could not start the service: ${describe(error)}`, ExitCode.usageOrUnchecked, {
        cause: error,
      });
    }
  });
}

export function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}
