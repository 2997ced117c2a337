// Two service instances (separate `flashsale serve` processes) on a local 3-master Redis Cluster
// and one Postgres: two consecutive sales whose slots live on different nodes each sell out under
// load spread over both instances and pass verify; in the second one, the node serving the sale
// loses the sale's keys mid-run and the service rebuilds them from Postgres.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRedisCluster, startRedisCluster } from '@flashsale/harness';
import { saleIdAt } from '@flashsale/protocol';
import { saleDataKeys, saleKeys } from '@flashsale/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../server/test/support/db.js';
import { type Running, runCli, startCli } from './support/cli.js';

const PREFIX = 'clcli:';
// A small sale at a modest rate: the box is shared, and a simulator that falls behind lets holds lapse.
const SALE_SIZE = 20;
/** Load per sale (it stops at the sell-out), well inside its period (the shortest is 40 s). */
const LOAD_S = 25;

let cluster: LocalRedisCluster;
let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  [cluster, db] = await Promise.all([startRedisCluster(3), createTestDatabase()]);
  dir = mkdtempSync(join(tmpdir(), 'flashsale-cluster-cli-'));
});
afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const storeFlags = () => [
  '--database-url',
  db.url,
  '--redis-cluster-nodes',
  cluster.nodesFlag,
  '--redis-key-prefix',
  PREFIX,
];

/**
 * A whole-second period length whose first period starting at least `leadMs` from now and the
 * one after it keep their keys on different cluster nodes.
 */
async function periodsOnTwoNodes(leadMs: number): Promise<{ durationS: number; first: number }> {
  for (let durationS = 40; durationS <= 70; durationS++) {
    const first = saleIdAt(Date.now() + leadMs, durationS * 1000) + 1;
    const [a, b] = await Promise.all([
      cluster.ownerOf(PREFIX + saleKeys(first).meta),
      cluster.ownerOf(PREFIX + saleKeys(first + 1).meta),
    ]);
    if (a !== b) return { durationS, first };
  }
  throw new Error('no period length in 40..70 s puts two consecutive sales on two nodes');
}

const untilMs = (atMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));

/** One simulator per instance, each playing its half of the buyers, until the sale sells out. */
async function loadBothInstances(urls: string[], saleId: number): Promise<string[]> {
  const ledgers = await Promise.all(
    urls.map(async (url, i) => {
      const ledger = join(dir, `sale-${saleId}-shard-${i}.jsonl`);
      const sim = await runCli([
        'simulate',
        '--target',
        url,
        '--shard',
        `${i}/${urls.length}`,
        '--rps',
        '50',
        '--duration',
        `${LOAD_S}s`,
        '--until-sellout',
        '--sale-size',
        String(SALE_SIZE),
        '--warm-up',
        '0',
        '--progress',
        'none',
        '--ledger',
        ledger,
      ]);
      expect(sim.code, sim.stderr).toBe(0);
      return ledger;
    }),
  );
  // Holds of buyers who walked away lapse (--hold-ttl 10s) before the sell-out is checked.
  for (;;) {
    const sale = (await (await fetch(`${urls[0]}/sale`)).json()) as { sale_id: number; held: number };
    if (sale.sale_id !== saleId || sale.held === 0) return ledgers;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function verify(saleId: number, ledgers: string[]): Promise<void> {
  const args = ['verify', ...storeFlags(), '--sale', String(saleId), '--expect-sellout', '--json'];
  const verified = await runCli([...args, ...ledgers.flatMap((ledger) => ['--ledger', ledger])]);
  const report = JSON.parse(verified.stdout) as {
    verdict: string;
    invariants: Array<{ id: string; status: string }>;
  };
  expect(
    report.invariants.filter((r) => r.status !== 'PASS' && r.status !== 'SKIP'),
    verified.stdout,
  ).toEqual([]);
  expect(verified.code).toBe(0);
}

describe('two instances on a Redis Cluster', () => {
  it('sell out two consecutive sales on two nodes, one of them losing its keys mid-run, and verify passes for each', async () => {
    const { durationS, first } = await periodsOnTwoNodes(6_000);
    const second = first + 1;
    const periodMs = durationS * 1000;
    const serveArgs = [
      'serve',
      '--port',
      '0',
      ...storeFlags(),
      '--sale-size',
      String(SALE_SIZE),
      '--sale-duration',
      `${durationS}s`,
      '--hold-ttl',
      '10s',
    ];
    const instances: Running[] = [startCli(serveArgs), startCli(serveArgs)];
    try {
      const urls = await Promise.all(
        instances.map(async (instance) => String((await instance.waitForEvent('listening')).url)),
      );
      for (const url of urls) {
        const health = await (await fetch(`${url}/health`)).json();
        expect(health).toMatchObject({ status: 'ok', redis: { status: 'ok' } });
      }

      // The first sale: load over both instances until it sells out.
      await untilMs(first * periodMs + 300);
      await verify(first, await loadBothInstances(urls, first));

      // The second, on another node: its keys vanish from that node once a few items are sold.
      await untilMs(second * periodMs + 300);
      const node = await cluster.ownerOf(PREFIX + saleKeys(second).meta);
      expect(node).not.toBe(await cluster.ownerOf(PREFIX + saleKeys(first).meta));
      const loading = loadBothInstances(urls, second);
      const flushedAtMs = await (async () => {
        for (;;) {
          const sale = (await (await fetch(`${urls[0]}/sale`)).json()) as { sale_id: number; sold: number };
          if (sale.sale_id === second && sale.sold >= 5) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const deleted = await cluster.node(node).del(...saleDataKeys(second).map((key) => PREFIX + key));
        expect(deleted).toBeGreaterThan(0);
        return Date.now();
      })();
      const ledgers = await loading;
      await verify(second, ledgers);
      const rebuilt = instances.flatMap((instance) =>
        instance
          .events('sale_rebuilt')
          .filter((line) => line.saleId === second && Date.parse(String(line.time)) >= flushedAtMs),
      );
      expect(rebuilt.length, 'the sale was rebuilt from Postgres after its keys were lost').toBeGreaterThan(
        0,
      );
    } finally {
      for (const instance of instances) instance.child.kill('SIGTERM');
      await Promise.all(instances.map((instance) => instance.finished));
    }
  }, 400_000);

  it('serve refuses a --redis-url that is one node of the cluster, in one line saying to give the cluster', async () => {
    const serve = await runCli([
      'serve',
      '--port',
      '0',
      '--database-url',
      db.url,
      '--redis-url',
      `redis://${cluster.nodes[0]}`,
    ]);
    expect(serve.code).toBe(2);
    expect(serve.stderr.trim().split('\n')).toHaveLength(1);
    expect(serve.stderr).toMatch(/it is a node of a Redis Cluster.*--redis-cluster-nodes/);
  });

  it('verify names the cluster and its flag when no seed node answers', async () => {
    const verified = await runCli([
      'verify',
      '--database-url',
      db.url,
      '--redis-cluster-nodes',
      '127.0.0.1:1',
    ]);
    expect(verified.code).toBe(2);
    expect(verified.stderr).toMatch(
      /could not connect to Redis at the Redis Cluster seeded by 127\.0\.0\.1:1: .*\(check --redis-cluster-nodes \/ REDIS_CLUSTER_NODES\)/,
    );
  });

  it('run refuses --chaos restart-redis with a cluster, saying why and what to use instead', async () => {
    const out = join(dir, 'refused-run');
    const run = await runCli([
      'run',
      ...storeFlags(),
      '--chaos',
      'restart-redis',
      '--progress',
      'none',
      '--out',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--chaos restart-redis: not with --redis-cluster-nodes.*flush-redis/);
  });
});
