// The one table of server settings: env name, flag, default, parser. The CLI builds its options
// from it, loadServerConfig reads the environment through it, and the README table matches it.
import { type Milliseconds, parseDurationMs } from '@flashsale/protocol';

export type ServerConfig = {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** Seed nodes (host:port) of a Redis Cluster; null: a single Redis at redisUrl. */
  redisClusterNodes: readonly string[] | null;
  redisKeyPrefix: string;
  saleSize: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
  saleDurationMs: Milliseconds;
  workers: number;
  logLevel: LogLevel;
  maxBatchRows: number;
  maxBatchWaitMs: Milliseconds;
  maxFlushesInFlight: number;
  pgPoolSize: number;
  reconcileIntervalMs: Milliseconds;
  isReconcilerEnabled: boolean;
  shutdownGraceMs: Milliseconds;
  /** Tests only: the item whose purchase write kills the process (see store/test-crash.ts); null: never. */
  testCrashItemId: number | null;
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

type Parser<T> = { parse: (text: string) => T | undefined; accepts: string };

export type Setting<K extends keyof ServerConfig = keyof ServerConfig> = {
  key: K;
  env: string;
  flag: string;
  description: string;
  defaultText: string;
  parser: Parser<ServerConfig[K]>;
  /** Left out of --help: a test-only setting (still in the README table). */
  isHidden?: true;
};

const integer = (min: number, max: number): Parser<number> => ({
  accepts: `an integer from ${min} to ${max}`,
  parse: (text) => {
    if (!/^\d+$/.test(text.trim())) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  },
});

const duration = (minMs: Milliseconds, maxMs: Milliseconds, accepts: string): Parser<Milliseconds> => ({
  accepts,
  parse: (text) => {
    const value = parseDurationMs(text);
    return value !== null && value >= minMs && value <= maxMs ? value : undefined;
  },
});

const url = (protocols: readonly string[]): Parser<string> => ({
  accepts: `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  parse: (text) => {
    try {
      return protocols.includes(new URL(text).protocol) ? text : undefined;
    } catch {
      return undefined; // not a URL at all: the caller reports what is accepted
    }
  },
});

const text = (pattern: RegExp, accepts: string): Parser<string> => ({
  accepts,
  parse: (value) => (pattern.test(value) ? value : undefined),
});

const oneOf = <T extends string>(values: readonly T[]): Parser<T> => ({
  accepts: `one of ${values.join(', ')}`,
  parse: (value) => values.find((v) => v === value),
});

const boolean: Parser<boolean> = {
  accepts: 'true or false',
  parse: (value) => (value === 'true' ? true : value === 'false' ? false : undefined),
};

const itemIdOrNone: Parser<number | null> = {
  accepts: 'none or an item id (an integer from 0)',
  parse: (value) => (value === 'none' ? null : /^\d{1,9}$/.test(value) ? Number(value) : undefined),
};

const hostPortList: Parser<readonly string[] | null> = {
  accepts: 'none or a comma-separated list of host:port, such as 10.0.0.1:7000,10.0.0.2:7000',
  parse: (value) => {
    if (value === 'none') return null;
    const nodes = value.split(',').map((node) => node.trim());
    const isValid = nodes.every((node) => {
      const match = /^([\w.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(node);
      return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
    });
    return isValid && nodes.length > 0 ? Object.freeze(nodes) : undefined;
  },
};

const DAY_MS = 86_400_000;

function setting<K extends keyof ServerConfig>(s: Setting<K>): Setting<K> {
  return s;
}

export const serverSettings = [
  setting({
    key: 'port',
    env: 'PORT',
    flag: '--port',
    description: 'HTTP port (0 picks a free one)',
    defaultText: '8080',
    parser: integer(0, 65535),
  }),
  setting({
    key: 'host',
    env: 'HOST',
    flag: '--host',
    description: 'address to listen on',
    defaultText: '127.0.0.1',
    parser: text(/^[\w.:-]+$/, 'a host name or IP address'),
  }),
  setting({
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    flag: '--database-url',
    description: 'PostgreSQL connection URL',
    defaultText: 'postgres://127.0.0.1:5432/flashsale',
    parser: url(['postgres:', 'postgresql:']),
  }),
  setting({
    key: 'redisUrl',
    env: 'REDIS_URL',
    flag: '--redis-url',
    description: 'Redis connection URL',
    defaultText: 'redis://127.0.0.1:6379',
    parser: url(['redis:', 'rediss:']),
  }),
  setting({
    key: 'redisClusterNodes',
    env: 'REDIS_CLUSTER_NODES',
    flag: '--redis-cluster-nodes',
    description: 'seed nodes of a Redis Cluster (host:port,...); when set, --redis-url is not used',
    defaultText: 'none',
    parser: hostPortList,
  }),
  setting({
    key: 'redisKeyPrefix',
    env: 'REDIS_KEY_PREFIX',
    flag: '--redis-key-prefix',
    description: 'prefix of every Redis key (several deployments can share one Redis)',
    defaultText: 'flashsale:',
    parser: text(
      /^[A-Za-z0-9_.:-]{0,64}$/,
      'up to 64 characters of [A-Za-z0-9_.:-] (no braces: they would break the hash slot)',
    ),
  }),
  setting({
    key: 'saleSize',
    env: 'SALE_SIZE',
    flag: '--sale-size',
    description: 'items in each sale',
    defaultText: '10000',
    parser: integer(1, 10_000_000),
  }),
  setting({
    key: 'userLimit',
    env: 'USER_LIMIT',
    flag: '--user-limit',
    description: 'items one buyer may own (or hold) in a sale',
    defaultText: '10',
    parser: integer(1, 50),
  }),
  setting({
    key: 'holdTtlMs',
    env: 'HOLD_TTL',
    flag: '--hold-ttl',
    description: 'how long a checkout holds its item',
    defaultText: '5m',
    parser: duration(100, DAY_MS, 'a duration from 100ms to 1d, such as 500ms, 10s, 5m'),
  }),
  setting({
    key: 'saleDurationMs',
    env: 'SALE_DURATION',
    flag: '--sale-duration',
    description: 'length of one sale period',
    defaultText: '1h',
    parser: duration(1000, 7 * DAY_MS, 'a whole number of seconds from 1s to 7d, such as 10s, 1h'),
  }),
  setting({
    key: 'workers',
    env: 'WORKERS',
    flag: '--workers',
    description: 'service processes (node:cluster)',
    defaultText: '1',
    parser: integer(1, 64),
  }),
  setting({
    key: 'logLevel',
    env: 'LOG_LEVEL',
    flag: '--log-level',
    description: 'lowest log level written',
    defaultText: 'info',
    parser: oneOf(['debug', 'info', 'warn', 'error', 'silent'] as const),
  }),
  setting({
    key: 'maxBatchRows',
    env: 'MAX_BATCH_ROWS',
    flag: '--max-batch-rows',
    description: 'most rows in one group commit',
    defaultText: '500',
    parser: integer(1, 10_000),
  }),
  setting({
    key: 'maxBatchWaitMs',
    env: 'MAX_BATCH_WAIT',
    flag: '--max-batch-wait',
    description: 'longest a row waits for its batch to fill when Postgres is idle',
    defaultText: '0ms',
    parser: duration(0, 1000, 'a duration from 0ms to 1s'),
  }),
  setting({
    key: 'maxFlushesInFlight',
    env: 'MAX_FLUSHES',
    flag: '--max-flushes',
    description: 'group commits of one table in flight at once (more helps when Postgres has idle cores)',
    defaultText: '1',
    parser: integer(1, 16),
  }),
  setting({
    key: 'pgPoolSize',
    env: 'PG_POOL_SIZE',
    flag: '--pg-pool-size',
    description: 'Postgres connections per process',
    defaultText: '8',
    parser: integer(2, 200),
  }),
  setting({
    key: 'reconcileIntervalMs',
    env: 'RECONCILE_INTERVAL',
    flag: '--reconcile-interval',
    description: 'how often Redis and Postgres are reconciled',
    defaultText: '2s',
    parser: duration(100, 60_000, 'a duration from 100ms to 1m'),
  }),
  setting({
    key: 'isReconcilerEnabled',
    env: 'RECONCILER',
    flag: '--reconciler',
    description: 'reconcile Redis and Postgres (false only to prove tests can fail)',
    defaultText: 'true',
    parser: boolean,
  }),
  setting({
    key: 'shutdownGraceMs',
    env: 'SHUTDOWN_GRACE',
    flag: '--shutdown-grace',
    description: 'longest a graceful shutdown waits for in-flight work',
    defaultText: '10s',
    parser: duration(0, 600_000, 'a duration from 0ms to 10m'),
  }),
  setting({
    key: 'testCrashItemId',
    env: 'TEST_CRASH_ITEM',
    flag: '--test-crash-item',
    description:
      'tests only: the process kills itself (SIGKILL) before writing a purchase of this item, after Redis admitted it',
    defaultText: 'none',
    parser: itemIdOrNone,
    isHidden: true,
  }),
] as const satisfies ReadonlyArray<Setting>;

/** A value that does not parse: names the flag (or variable) and what it accepts. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

export type ConfigSource = {
  /** Values given as flags, keyed by setting key, as text. They win over the environment. */
  flags?: Partial<Record<keyof ServerConfig, string>>;
  env?: Readonly<Record<string, string | undefined>>;
  /** A command's own defaults (run's free port, short holds), used where neither flag nor env is given. */
  defaults?: Partial<Record<keyof ServerConfig, string>>;
};

/** Reads every setting from flags, then the environment, then the defaults; throws ConfigError. */
export function loadServerConfig(source: ConfigSource = {}): Readonly<ServerConfig> {
  const env = source.env ?? process.env;
  const config: Record<string, unknown> = {};
  for (const s of serverSettings) {
    const fromFlag = source.flags?.[s.key];
    const fromEnv = env[s.env];
    const [raw, origin] =
      fromFlag !== undefined
        ? [fromFlag, s.flag]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, s.env]
          : [source.defaults?.[s.key] ?? s.defaultText, `default of ${s.flag}`];
    const value = (s.parser as Parser<unknown>).parse(raw);
    if (value === undefined) {
      throw new ConfigError(`${origin}: ${JSON.stringify(raw)} is not valid; expected ${s.parser.accepts}`);
    }
    config[s.key] = value;
  }
  const parsed = config as ServerConfig;
  if (parsed.saleDurationMs % 1000 !== 0) {
    throw new ConfigError(`--sale-duration: sale ids are whole seconds; expected a whole number of seconds`);
  }
  return Object.freeze(parsed);
}

/** The connection URL with any password removed, for logs and messages. */
export function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>'; // never echo a string that might hold a secret
  }
}

/** Where Redis is, for logs and messages: the redacted URL, or the cluster's seed nodes. */
export function redisTargetText(config: Pick<ServerConfig, 'redisUrl' | 'redisClusterNodes'>): string {
  return config.redisClusterNodes === null
    ? redactUrl(config.redisUrl)
    : `the Redis Cluster seeded by ${config.redisClusterNodes.join(',')}`;
}

const WORKER_CONFIG_ENV = 'FLASHSALE_WORKER_CONFIG';

/** The environment a cluster worker is started with: the primary's parsed config, as JSON. */
export function workerEnv(config: Readonly<ServerConfig>): Record<string, string> {
  return { [WORKER_CONFIG_ENV]: JSON.stringify(config) };
}

/** In a cluster worker: the config its primary parsed. */
export function workerConfigFromEnv(): Readonly<ServerConfig> {
  const text = process.env[WORKER_CONFIG_ENV];
  if (text === undefined)
    throw new ConfigError(`${WORKER_CONFIG_ENV} is not set: workers are started by \`flashsale serve\``);
  return Object.freeze(JSON.parse(text) as ServerConfig);
}
