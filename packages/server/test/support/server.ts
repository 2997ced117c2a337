// A real service on port 0 against this file's own database and Redis prefix, with a clock the
// test moves by hand; and the config every test's service starts from (testServerConfig).
import { loadServerConfig, type ServerConfig } from '../../src/config/settings.js';
import { createLogger } from '../../src/observe/log.js';
import { type RunningServer, startServer } from '../../src/start.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { createTestRedis, REDIS_URL, type TestRedis } from './redis.js';

export type ManualClock = { now: () => number; advance: (ms: number) => void; set: (ms: number) => void };

export function manualClock(startMs = Date.now()): ManualClock {
  let current = startMs;
  return { now: () => current, advance: (ms) => (current += ms), set: (ms) => (current = ms) };
}

export type World = {
  db: TestDatabase;
  redis: TestRedis;
  clock: ManualClock;
  config: Readonly<ServerConfig>;
  server: RunningServer;
  url: string;
  /** POST/GET against the server; returns status, parsed JSON body and headers. */
  call: (method: 'GET' | 'POST', path: string, headers?: Record<string, string>) => Promise<Answer>;
  startAnother: (flags?: TestFlags) => Promise<RunningServer>;
  close: () => Promise<void>;
};

export type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

export type TestFlags = Partial<Record<keyof ServerConfig, string>>;

export const DEFAULT_TEST_FLAGS: TestFlags = {
  port: '0',
  saleSize: '100',
  userLimit: '10',
  holdTtlMs: '30s',
  saleDurationMs: '1d',
  logLevel: 'silent',
  reconcileIntervalMs: '1m', // tests run the reconciler by hand
};

/** Where a test's service keeps its state: its own database, and one Redis or a Redis Cluster under its own key prefix. */
export type TestStores = Readonly<
  { databaseUrl: string; redisKeyPrefix: string } & ({ redisUrl: string } | { redisClusterNodes: string })
>;

/** A test's own database and key prefix on the local Redis. */
export const localStores = (db: TestDatabase, redis: TestRedis): TestStores => ({
  databaseUrl: db.url,
  redisUrl: REDIS_URL,
  redisKeyPrefix: redis.prefix,
});

/** A service's config for a test: DEFAULT_TEST_FLAGS, on the test's stores, then the test's own flags. */
export function testServerConfig(stores: TestStores, flags: TestFlags = {}): Readonly<ServerConfig> {
  return loadServerConfig({ flags: { ...DEFAULT_TEST_FLAGS, ...stores, ...flags }, env: {} });
}

export async function createWorld(flags: TestFlags = {}): Promise<World> {
  const db = await createTestDatabase();
  const redis = createTestRedis();
  const clock = manualClock();
  const configFor = (more: TestFlags) => testServerConfig(localStores(db, redis), { ...flags, ...more });
  const config = configFor({});
  const log = createLogger(config.logLevel);
  const server = await startServer(config, { clock: clock.now, log });
  const others: RunningServer[] = [];
  return {
    db,
    redis,
    clock,
    config,
    server,
    url: server.url,
    call: (method, path, headers) => call(server.url, method, path, headers),
    async startAnother(more = {}) {
      const other = await startServer(configFor(more), { clock: clock.now, log });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([server.close(), ...others.map((o) => o.close())]);
      await redis.cleanup();
      await db.drop();
    },
  };
}

export async function call(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(baseUrl + path, { method, headers });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text }; // /metrics is not JSON
  }
  return { status: response.status, body, headers: response.headers };
}
