// The one way the CLI says a dependency could not be reached: which one, where (the URL with its
// password redacted), why, and which flag or environment variable points at it. `serve`,
// `migrate`, `verify` and `run` all say it so; it is "could not check / could not start": exit 2.
import {
  redactUrl,
  redisTargetText,
  type ServerConfig,
  serverSettings,
  type UnavailableError,
} from '@flashsale/server';
import { CliError, ExitCode } from './exit-codes.js';

export type Dependency = 'postgres' | 'redis';

const dependencies: Record<Dependency, { name: string; setting: 'databaseUrl' | 'redisUrl' }> = {
  postgres: { name: 'Postgres', setting: 'databaseUrl' },
  redis: { name: 'Redis', setting: 'redisUrl' },
};

export function unreachableError(dependency: Dependency, url: string, cause: unknown): CliError {
  const { name, setting } = dependencies[dependency];
  return said(name, redactUrl(url), setting, cause);
}

/** Redis could not be reached: at its URL, or at the cluster the seed nodes name. */
export function redisUnreachableError(
  config: Readonly<Pick<ServerConfig, 'redisUrl' | 'redisClusterNodes'>>,
  cause: unknown,
): CliError {
  const setting = config.redisClusterNodes === null ? 'redisUrl' : 'redisClusterNodes';
  return said('Redis', redisTargetText(config), setting, cause);
}

function said(name: string, where: string, setting: keyof ServerConfig, cause: unknown): CliError {
  const { flag, env } = serverSettings.find((candidate) => candidate.key === setting)!;
  return new CliError(
    `could not connect to ${name} at ${where}: ${reasonOf(cause)} (check ${flag} / ${env})`,
    ExitCode.usageOrUnchecked,
    { cause },
  );
}

/** The service's own start-up found a dependency down (its UnavailableError): said the same way. */
export function unavailableError(
  error: UnavailableError,
  config: Readonly<Pick<ServerConfig, 'databaseUrl' | 'redisUrl' | 'redisClusterNodes'>>,
): CliError {
  if (error.dependency === 'redis') return redisUnreachableError(config, error.cause);
  return unreachableError('postgres', config.databaseUrl, error.cause);
}

/** The first concrete reason of a (possibly aggregate or wrapped) error, with its code. */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}
