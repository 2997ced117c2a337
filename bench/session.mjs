// One bench session: checks Postgres and Redis are up, makes the world (database, Redis prefix,
// scratch folder), gives the benchmarks their context, and on the way out (success, failure,
// Ctrl-C) stops every process it started and removes the world.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pg, Redis } from './borrowed-packages.mjs';
import { stopAllProcesses } from './processes.mjs';
import { createWorld, dropWorld } from './service.mjs';

const startedMs = Date.now();

/** One progress line, with the seconds since the session started. */
export const step = (text) =>
  console.log(`[${((Date.now() - startedMs) / 1000).toFixed(0).padStart(4)} s] ${text}`);

async function checkServices() {
  const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  const redis = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Postgres (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) must be running (${error.message}); try bash scripts/ensure-services.sh`,
    );
  } finally {
    await client.end().catch(() => {});
    redis.disconnect();
  }
}

function createContext({ mode, settings, saleSize, world, workDir }) {
  let seed = 1000;
  let offset = 0;
  return {
    mode,
    settings,
    saleSize,
    world,
    workDir,
    step,
    /** Set once the bench's sale is open: { saleId, openS, openerRssBytes }. */
    sale: null,
    /** Simulator seeds: every run meets new buyers (user ids carry the seed). */
    nextSeed: () => seed++,
    /** wrk request numbers (bench/checkout.lua): each run against the service starts past the last. */
    takeOffset: () => offset,
    advanceOffset: (next) => {
      offset = next + 1000;
      if (offset > saleSize * 0.9) offset = 0; // wrap before every item of the sale is held
    },
  };
}

export async function withBenchSession({ mode, settings, saleSize }, body) {
  await checkServices();
  const world = createWorld();
  const workDir = mkdtempSync(join(tmpdir(), 'flashsale-bench-'));
  step(
    `database ${world.databaseName}, Redis prefix ${world.redisKeyPrefix}, sale period ${world.saleDurationS} s`,
  );

  let cleaning;
  const cleanUp = () => {
    cleaning ??= (async () => {
      step('stopping everything, dropping the database and the Redis keys');
      await stopAllProcesses();
      await dropWorld(world).catch((error) =>
        console.error(`could not drop ${world.databaseName}: ${error.message}`),
      );
      rmSync(workDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  const onSignal = (signal) => {
    step(`${signal}: stopping`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(createContext({ mode, settings, saleSize, world, workDir }));
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
