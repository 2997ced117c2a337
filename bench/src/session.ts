// One bench session: checks Postgres and Redis are up, makes the world (database, Redis prefix,
// scratch folder), gives the benchmarks their context, and on the way out (success, failure,
// Ctrl-C) stops every process it started and removes the world.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDurationMs } from '@flashsale/protocol';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchMode, BenchSettings } from './modes.js';
import { stopAllProcesses } from './processes.js';
import { adminDatabaseUrl, createWorld, dropWorld, redisUrl, type World } from './world.js';

/** What a benchmark's settings say; each mode has its own (see run.ts). */
export type SessionSettings = Readonly<{ measureS: number; warmUpS: number; connections: number }>;

/** The sale a session opened (service.ts opens it) for the benchmarks that share it. */
export type BenchSale = Readonly<{ saleId: number; openS: number; openerRssBytes: number | null }>;

export type BenchContext<Settings extends SessionSettings = SessionSettings> = {
  readonly mode: BenchMode | 'profile';
  readonly settings: Settings;
  readonly saleSize: number;
  readonly world: World;
  /** Scratch folder of the session (simulator reports, service logs), removed at its end. */
  readonly workDir: string;
  readonly step: (text: string) => void;
  /** Aborted when the session is stopping (failure or Ctrl-C): a start under way gives up. */
  readonly signal: AbortSignal;
  /** Set once the bench's sale is open. */
  sale: BenchSale | null;
  /** Simulator seeds: every run meets new buyers (user ids carry the seed). */
  readonly nextSeed: () => number;
  /** wrk request numbers (bench/checkout.lua): each run against the service starts past the last. */
  readonly takeOffset: () => number;
  readonly advanceOffset: (next: number) => void;
  /** Whether the numbers have wrapped: runs from then on repeat earlier buyers and items. */
  readonly hasWrapped: () => boolean;
  /** Another world of this session (see withOwnSale): removed with the session's own at its end. */
  readonly addWorld: (world: World) => void;
};

/** The context every benchmark of `pnpm bench` runs in. */
export type RunContext = BenchContext<BenchSettings>;

const startedMs = Date.now();

/** One progress line, with the seconds since the session started. */
export const step = (text: string): void =>
  console.log(`[${((Date.now() - startedMs) / 1000).toFixed(0).padStart(4)} s] ${text}`);

async function checkServices(): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  const redis = new Redis(redisUrl, {
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
      `Postgres (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) must be running (${(error as Error).message}); try bash scripts/ensure-services.sh`,
    );
  } finally {
    await client.end().catch(() => undefined); // never connected: nothing to end
    redis.disconnect();
  }
}

function createContext<Settings extends SessionSettings>(
  base: Pick<
    BenchContext<Settings>,
    'mode' | 'settings' | 'saleSize' | 'world' | 'workDir' | 'signal' | 'addWorld'
  >,
): BenchContext<Settings> {
  let seed = 1000;
  return {
    ...base,
    step,
    sale: null,
    nextSeed: () => seed++,
    ...newOffsets(base.saleSize),
  };
}

/** The share of a sale's items after which the wrk request numbers wrap (before every item is held). */
export const offsetsWrapAt = 0.9;

/**
 * wrk request numbers for one sale, from 0. They wrap before every item of the sale is held; a run
 * after that asks for items its own buyers already hold (answered from the hold), so it no longer
 * measures a new buyer and item per request, and says so (hasWrapped).
 */
export function newOffsets(
  saleSize: number,
): Pick<BenchContext, 'takeOffset' | 'advanceOffset' | 'hasWrapped'> {
  let offset = 0;
  let hasWrapped = false;
  return {
    takeOffset: () => offset,
    advanceOffset: (next) => {
      offset = next + 1000;
      if (offset > saleSize * offsetsWrapAt) {
        offset = 0;
        hasWrapped = true;
      }
    },
    hasWrapped: () => hasWrapped,
  };
}

export async function withBenchSession<Settings extends SessionSettings, T>(
  { mode, settings, saleSize }: Pick<BenchContext<Settings>, 'mode' | 'settings' | 'saleSize'>,
  body: (ctx: BenchContext<Settings>) => Promise<T>,
): Promise<T> {
  await checkServices();
  const world = createWorld();
  const worlds = [world];
  const workDir = mkdtempSync(join(tmpdir(), 'flashsale-bench-'));
  step(
    `database ${world.databaseName}, Redis prefix ${world.redisKeyPrefix}, sale period ${formatDurationMs(world.saleDurationMs)}`,
  );

  const stopping = new AbortController();
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      step('stopping everything, dropping the database and the Redis keys');
      stopping.abort(new Error('the bench session is stopping'));
      await stopAllProcesses();
      for (const each of worlds)
        await dropWorld(each).catch((error: unknown) =>
          console.error(`could not drop ${each.databaseName}: ${(error as Error).message}`),
        );
      rmSync(workDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    step(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const addWorld = (another: World) => {
      worlds.push(another);
    };
    return await body(
      createContext({ mode, settings, saleSize, world, workDir, signal: stopping.signal, addWorld }),
    );
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
