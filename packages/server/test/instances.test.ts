// Several instances on one Redis and one Postgres: they share one clock (Redis TIME), and an
// instance whose settings disagree with the sale as another one stored it refuses to serve it.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { saleIdAt } from '@flashsale/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import { SaleMismatchError } from '../src/errors.js';
import { createLogger } from '../src/observe/log.js';
import { createSharedClock } from '../src/sale/clock.js';
import { labelOf, STALE_AFTER_MS } from '../src/sale/instances.js';
import { type RunningServer, startServer } from '../src/start.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { createTestRedis, type TestRedis } from './support/redis.js';
import { call, localStores, manualClock, type TestFlags, testServerConfig } from './support/server.js';

const log = createLogger('silent');
const TEN_MINUTES_MS = 600_000;

// Each test its own database and key prefix: the sales one test opens would disagree with the next.
let db: TestDatabase;
let redis: TestRedis;
const running: RunningServer[] = [];
beforeEach(async () => {
  db = await createTestDatabase();
  redis = createTestRedis();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  await redis.cleanup();
  await db.drop();
});

const configWith = (flags: TestFlags) =>
  testServerConfig(localStores(db, redis), { saleSize: '20', ...flags });

async function start(
  flags: TestFlags,
  options: Parameters<typeof startServer>[1] = {},
): Promise<RunningServer> {
  const server = await startServer(configWith(flags), { log, ...options });
  running.push(server);
  return server;
}

describe('one clock for every instance', () => {
  it('a process clock is aligned to the shared one: offset = shared - local when the round trip is instant', async () => {
    const shared = await createSharedClock(async () => 5_000_000, { local: () => 1_000_000 });
    shared.stop();
    expect(shared.offset()).toEqual({ offsetMs: 4_000_000, roundTripMs: 0 });
    expect(shared.clock()).toBe(5_000_000);
  });

  it('two instances whose own clocks are 20 minutes apart agree on the sale and on hold deadlines', async () => {
    // A period of 1h: unaligned, these two would even be in different sales a third of the time.
    const flags = { saleDurationMs: '1h', holdTtlMs: '1m' };
    const ahead = await start(flags, { localClock: () => Date.now() + TEN_MINUTES_MS });
    const behind = await start(flags, { localClock: () => Date.now() - TEN_MINUTES_MS });
    const [a, b] = await Promise.all([
      call(ahead.url, 'POST', '/checkout?user_id=amy&id=1'),
      call(behind.url, 'POST', '/checkout?user_id=bob&id=2'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.sale_id).toBe(b.body.sale_id);
    // Both deadlines are "now + 1m" on the shared clock: they differ by the time between the two
    // requests (and the sync error), never by the 20 minutes between the processes' clocks.
    const apartMs = Math.abs(Date.parse(String(a.body.expires_at)) - Date.parse(String(b.body.expires_at)));
    expect(apartMs).toBeLessThan(5_000);
    // The shared clock is Redis' own.
    const redisNow = await createAdmission(redis.client).timeMs();
    expect(Math.abs(Date.parse(String(a.body.expires_at)) - 60_000 - redisNow)).toBeLessThan(5_000);
  });
});

describe('instances that disagree on the sale', () => {
  it('a second instance with another --sale-size does not start while the sale is open: the error names the flag', async () => {
    const first = await start({ saleSize: '20' });
    expect((await call(first.url, 'GET', '/sale')).status).toBe(200); // the sale is open
    const error = await start({ saleSize: '30' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaleMismatchError);
    expect((error as SaleMismatchError).flag).toBe('--sale-size');
    expect((error as Error).message).toMatch(
      /^--sale-size is 30 here, but sale \d+ was opened with 20 items/,
    );
  });

  it('a second instance with another --sale-duration does not start while one with the first runs; it may once that one stopped', async () => {
    const first = await start({ saleDurationMs: '1d' });
    const error = await start({ saleDurationMs: '1h' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaleMismatchError);
    expect((error as SaleMismatchError).flag).toBe('--sale-duration');
    expect((error as Error).message).toMatch(
      /^--sale-duration is 1h here, but another instance \(pid \d+ on .+\) runs with 1d: every instance must run with the same --sale-duration$/,
    );
    await first.close(); // a graceful stop leaves the registry
    running.splice(running.indexOf(first), 1);
    const second = await start({ saleDurationMs: '1h' });
    expect((await call(second.url, 'GET', '/sale')).status).toBe(200);
  });

  it('an instance that died (no heartbeat for STALE_AFTER_MS) does not hold the others to its settings', async () => {
    const admission = createAdmission(redis.client);
    const dead = { saleDurationMs: 86_400_000, saleSize: 20, userLimit: 10, holdTtlMs: 30_000 };
    const nowMs = await admission.timeMs();
    const register = (instanceId: string, settings: typeof dead, atMs: number) =>
      admission.registerInstance({
        instanceId,
        settings,
        label: instanceId,
        nowMs: atMs,
        staleBeforeMs: atMs - STALE_AFTER_MS,
      });
    expect(await register('dead', dead, nowMs - STALE_AFTER_MS - 1)).toEqual([]);
    const other = { ...dead, saleSize: 30 };
    expect(await register('fresh', other, nowMs)).toEqual([]);
    expect(await register('late', dead, nowMs)).toMatchObject([{ saleSize: 30, label: 'fresh' }]);
  });

  it('a start that finds only an instance of this host whose process is gone waits for it to lapse instead of refusing', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const admission = createAdmission(redis.client);
    const nowMs = await admission.timeMs();
    // Its last heartbeat is nearly STALE_AFTER_MS old: the start below meets it still registered
    // (and would be refused by it, were it not gone) and waits about two seconds for it to lapse.
    const lastSeenMs = nowMs - STALE_AFTER_MS + 2_000;
    await admission.registerInstance({
      instanceId: 'killed',
      settings: { saleDurationMs: 86_400_000, saleSize: 20, userLimit: 10, holdTtlMs: 30_000 },
      label: labelOf(gone, hostname()),
      nowMs: lastSeenMs,
      staleBeforeMs: lastSeenMs - STALE_AFTER_MS,
    });
    const server = await start({ saleDurationMs: '1h' });
    expect((await call(server.url, 'GET', '/sale')).status).toBe(200);
  }, 60_000);

  it('an instance that runs when another opens the next sale with another size answers 503 sale_mismatch, and /health/ready says mismatch', async () => {
    // The last line of defence, when the instance registry did not refuse the second instance at
    // start (here: `odd` last registered an hour before `even`'s clock, so it counts as gone, as
    // an instance that stalled would). Periods of 1h far ahead, so nobody opened them: `odd` runs
    // in one; `even`, with another size, starts in the next and opens it; then `odd` reaches it.
    const hourMs = 3_600_000;
    const first = saleIdAt(Date.now() + 400 * 86_400_000, hourMs);
    const oddClock = manualClock(first * hourMs + 1000);
    const odd = await start({ saleDurationMs: '1h', saleSize: '30' }, { clock: oddClock.now });
    const even = await start(
      { saleDurationMs: '1h', saleSize: '20' },
      { clock: manualClock((first + 1) * hourMs + 1000).now },
    );
    expect((await call(even.url, 'GET', '/sale')).body).toMatchObject({ sale_id: first + 1, size: 20 });

    oddClock.set((first + 1) * hourMs + 2000);
    const checkout = await call(odd.url, 'POST', '/checkout?user_id=cat&id=3');
    expect(checkout.status).toBe(503);
    expect(checkout.body).toMatchObject({ error: 'sale_mismatch' });
    expect(String(checkout.body.message)).toMatch(
      /^--sale-size is 30 here, but sale \d+ was opened with 20 items/,
    );
    const ready = await call(odd.url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', sale: 'mismatch', sale_id: first + 1 });
    expect((await call(even.url, 'GET', '/health/ready')).body).toMatchObject({
      status: 'ready',
      sale: 'open',
    });
  });
});
