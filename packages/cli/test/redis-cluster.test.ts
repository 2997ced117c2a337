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
import { runCli } from './support/cli.js';
import {
  simulateShards,
  startInstances,
  verifySoldOut,
  waitForNoHolds,
  waitForSold,
} from './support/instances.js';

const PREFIX = 'clcli:';
// A small sale at a modest rate: the box is shared, and a simulator that falls behind lets holds lapse.
const SALE_SIZE = 20;
/** Load per sale (it stops at the sell-out), well inside its period (the shortest is 20 s). */
const LOAD_S = 15;

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
  for (let durationS = 20; durationS <= 50; durationS++) {
    const first = saleIdAt(Date.now() + leadMs, durationS * 1000) + 1;
    const [a, b] = await Promise.all([
      cluster.ownerOf(PREFIX + saleKeys(first).meta),
      cluster.ownerOf(PREFIX + saleKeys(first + 1).meta),
    ]);
    if (a !== b) return { durationS, first };
  }
  throw new Error('no period length in 20..50 s puts two consecutive sales on two nodes');
}

const untilMs = (atMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));

/** Loads the sale over both instances until it sells out; its holds lapse before it is verified. */
async function loadBothInstances(urls: string[], saleId: number): Promise<string[]> {
  const load = simulateShards(urls, {
    rps: 50,
    durationS: LOAD_S,
    saleSize: SALE_SIZE,
    ledgerDir: dir,
    name: `sale-${saleId}`,
  });
  const ledgers = await load.finished();
  await waitForNoHolds(urls[0]!, saleId);
  return ledgers;
}

// A SKIP is accepted: a check the cluster setup cannot make.
const verify = (saleId: number, ledgers: string[]) => verifySoldOut(storeFlags(), saleId, ledgers, true);

describe('two instances on a Redis Cluster', () => {
  it('sell out two consecutive sales on two nodes, one of them losing its keys mid-run, and verify passes for each', async () => {
    const { durationS, first } = await periodsOnTwoNodes(6_000);
    const second = first + 1;
    const periodMs = durationS * 1000;
    const { instances, urls, stop } = await startInstances(2, [
      ...storeFlags(),
      '--sale-size',
      String(SALE_SIZE),
      '--sale-duration',
      `${durationS}s`,
      '--hold-ttl',
      '5s',
    ]);
    try {
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
        await waitForSold(urls[0]!, 5, second);
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
      await stop();
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
