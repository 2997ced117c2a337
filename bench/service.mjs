// The flashsale service under test, in a world of its own: a Postgres database and a Redis key
// prefix made for this bench run and removed at its end, whatever happened in between.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pg, Redis } from './borrowed-packages.mjs';
import { readRssBytes } from './proc-stats.mjs';
import { startProcess } from './processes.mjs';

export const cliPath = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));
const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = 'redis://127.0.0.1:6379';

/** Sale periods to choose from, longest first: a bench must not cross a period's end. */
const saleDurationsS = [7 * 86_400, 6 * 86_400, 5 * 86_400, 3 * 86_400, 2 * 86_400, 86_400];
const marginS = 30 * 60;

/**
 * A sale period long enough that the sale the bench opens (1,000,000 items take ~15 s) stays
 * current for the whole run: a new period would open a new sale mid-measurement.
 */
export function saleDurationFor(nowMs) {
  const nowS = Math.floor(nowMs / 1000);
  return saleDurationsS.find((durationS) => durationS - (nowS % durationS) > marginS) ?? saleDurationsS[0];
}

export function createWorld() {
  const tag = randomBytes(4).toString('hex');
  const databaseName = `flashsale_bench_${tag}`;
  return {
    databaseName,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${databaseName}`,
    redisUrl,
    redisKeyPrefix: `flashsale_bench_${tag}:`,
    saleDurationS: saleDurationFor(Date.now()),
  };
}

/** Drops the world's database (even with connections left) and deletes its Redis keys. */
export async function dropWorld(world) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${world.databaseName}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(world.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${world.redisKeyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts `flashsale serve` on a free port and resolves once it listens (the primary's
 * `listening` log line). `nodeArgs` go before the script (e.g. --cpu-prof), `serveArgs` after
 * the bench's own serve flags (so they win).
 */
export async function startService(world, { workers, saleSize, nodeArgs = [], serveArgs = [] }) {
  const args = [
    ...nodeArgs,
    cliPath,
    'serve',
    '--port',
    '0',
    '--database-url',
    world.databaseUrl,
    '--redis-url',
    world.redisUrl,
    '--redis-key-prefix',
    world.redisKeyPrefix,
    '--sale-size',
    String(saleSize),
    '--sale-duration',
    `${world.saleDurationS}s`,
    '--workers',
    String(workers),
    '--log-level',
    'info',
    ...serveArgs,
  ];
  const started = startProcess(`flashsale serve --workers ${workers}`, process.execPath, args);
  const line = await started.waitForLine((text) => listeningUrlOf(text) !== undefined, 60_000);
  return {
    url: listeningUrlOf(line),
    process: started,
    commandLine: ['node', ...args].join(' ').replace(cliPath, 'packages/cli/dist/main.js'),
  };
}

function listeningUrlOf(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line);
    return entry.event === 'listening' ? entry.url : undefined;
  } catch {
    return undefined; // not a log line of ours
  }
}

/** GET /sale: opens the sale on first call (1,000,000 items take ~15 s), so wait for it. */
export async function openSale(url) {
  const response = await fetch(`${url}/sale`, { signal: AbortSignal.timeout(120_000) });
  const body = await response.json();
  if (response.status !== 200)
    throw new Error(`GET /sale answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Rows in checkout_attempts: counted before and after a measured window. */
export async function countAttempts(world) {
  const client = new pg.Client({ connectionString: world.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::bigint AS n FROM checkout_attempts');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/**
 * Opens the bench's sale once, in a service process of its own that then stops, so no measured
 * process is the one that built 1,000,000 items. Gives that process's RSS right after.
 */
export async function openBenchSale(ctx) {
  const service = await startService(ctx.world, { workers: 1, saleSize: ctx.saleSize });
  try {
    const startedMs = Date.now();
    const sale = await openSale(service.url);
    return {
      saleId: sale.sale_id,
      openS: Math.round((Date.now() - startedMs) / 100) / 10,
      openerRssBytes: readRssBytes(service.process.pid) ?? null,
    };
  } finally {
    await service.process.stop();
  }
}

/** Starts the service on the bench's world, runs `use(service)`, stops it whatever happened. */
export async function withService(ctx, { workers, nodeArgs, serveArgs }, use) {
  const service = await startService(ctx.world, { workers, saleSize: ctx.saleSize, nodeArgs, serveArgs });
  try {
    await openSale(service.url); // open already: answers at once
    return await use({ ...service, workers });
  } finally {
    await service.process.stop();
  }
}
