// The service on a 3-master Redis Cluster of this file's own: two sales whose slots live on
// different nodes both work, /health checks the node serving the current sale's slot, and a
// single --redis-url that points at one node of a cluster is refused at start.

import { type LocalRedisCluster, startRedisCluster } from '@flashsale/harness';
import { saleIdAt } from '@flashsale/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../src/admission/admission.js';
import { createRedisClient } from '../src/admission/client.js';
import { saleDataKeys, saleKeys } from '../src/admission/keys.js';
import { UnavailableError } from '../src/errors.js';
import { createLogger } from '../src/observe/log.js';
import { startServer } from '../src/start.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { call, manualClock, type TestFlags, testServerConfig } from './support/server.js';

const DAY_MS = 86_400_000;
const PREFIX = 'cl:';

let cluster: LocalRedisCluster;
let db: TestDatabase;
beforeAll(async () => {
  [cluster, db] = await Promise.all([startRedisCluster(3), createTestDatabase()]);
});
afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
});

const configWith = (flags: TestFlags) =>
  testServerConfig(
    { databaseUrl: db.url, redisClusterNodes: cluster.nodesFlag, redisKeyPrefix: PREFIX },
    { saleSize: '5', ...flags },
  );

/** Two consecutive sale ids from today on whose keys live on different nodes. */
async function consecutiveSalesOnTwoNodes(): Promise<[number, number, string, string]> {
  for (let saleId = saleIdAt(Date.now(), DAY_MS); ; saleId++) {
    const [a, b] = await Promise.all([
      cluster.ownerOf(PREFIX + saleKeys(saleId).meta),
      cluster.ownerOf(PREFIX + saleKeys(saleId + 1).meta),
    ]);
    if (a !== b) return [saleId, saleId + 1, a, b];
  }
}

describe('on a Redis Cluster', () => {
  it('every key of a sale lives in one slot, on the node that serves it', async () => {
    const slots = new Set(
      await Promise.all(
        saleDataKeys(42).map(async (key) =>
          cluster.node(cluster.nodes[0]!).call('CLUSTER', 'KEYSLOT', PREFIX + key),
        ),
      ),
    );
    expect(slots.size).toBe(1);
  });

  it('serves two consecutive sales whose slots are on different nodes', async () => {
    const [first, second, firstNode, secondNode] = await consecutiveSalesOnTwoNodes();
    expect(firstNode).not.toBe(secondNode);
    const clock = manualClock(first * DAY_MS + 1000);
    const server = await startServer(configWith({}), { clock: clock.now, log: createLogger('silent') });
    try {
      for (const [saleId, node] of [
        [first, firstNode],
        [second, secondNode],
      ] as const) {
        clock.set(saleId * DAY_MS + 1000);
        const hold = await call(server.url, 'POST', '/checkout?user_id=ann&id=1');
        expect(hold.status).toBe(200);
        expect(hold.body.sale_id).toBe(saleId);
        const bought = await call(server.url, 'POST', `/purchase?code=${hold.body.code}`);
        expect(bought.status).toBe(200);
        expect((await call(server.url, 'GET', '/sale')).body).toMatchObject({ sale_id: saleId, sold: 1 });
        expect((await call(server.url, 'GET', '/health')).status).toBe(200);
        expect((await call(server.url, 'GET', '/health/ready')).body).toMatchObject({
          status: 'ready',
          sale: 'open',
          sale_id: saleId,
        });
        // The sale's keys are on the node that serves its slot, and nowhere else.
        const owner = cluster.node(node);
        expect(await owner.hlen(PREFIX + saleKeys(saleId).sold)).toBe(1);
      }
    } finally {
      await server.close();
    }
  });

  it('/health checks the node serving the sale: another node that answers PING is not enough', async () => {
    const saleId = 7;
    const owner = await cluster.ownerOf(PREFIX + saleKeys(saleId).meta);
    const other = cluster.nodes.find((node) => node !== owner)!;
    const [host, port] = other.split(':');
    const wrongNode = new Redis(Number(port), host!, { keyPrefix: PREFIX, maxRetriesPerRequest: 1 });
    try {
      const admission = createAdmission(wrongNode);
      await expect(admission.ping()).resolves.toBeUndefined();
      await expect(admission.pingSale(saleId)).rejects.toThrow(/MOVED/);
    } finally {
      wrongNode.disconnect();
    }
  });

  it('a --redis-url that points at one node of a cluster is refused at start, saying to use --redis-cluster-nodes', async () => {
    const config = configWith({ redisClusterNodes: 'none', redisUrl: `redis://${cluster.nodes[0]}` });
    const error = await startServer(config, { log: createLogger('silent') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(String((error as Error).cause)).toMatch(/--redis-cluster-nodes/);
  });

  it("a node that stalls one sale's calls holds up no checkout of a sale on another node", async () => {
    const [first, second, firstNode] = await consecutiveSalesOnTwoNodes();
    const client = createRedisClient(
      { redisUrl: '', redisClusterNodes: cluster.nodes, redisKeyPrefix: PREFIX },
      { maxRetriesPerRequest: 1, retry: () => null },
    );
    await client.connect();
    try {
      const admission = createAdmission(client);
      const checkout = (saleId: number, userId: string, itemId: number) =>
        admission.checkout({ saleId, userId, itemId, newCode: `${saleId}.${userId}`, nowMs: Date.now() });
      for (const saleId of [first, second]) {
        await client.hset(saleKeys(saleId).meta, { size: 5, user_limit: 10, hold_ttl_ms: 30_000 });
        expect(await checkout(saleId, 'warm', 3)).toMatchObject({ kind: 'held' }); // scripts loaded
      }
      const answered: string[] = [];
      // The first sale's node answers nobody for 2 s; its call goes out first, then the second's.
      await cluster.node(firstNode).call('CLIENT', 'PAUSE', '2000');
      const stalled = checkout(first, 'cy', 2).then((d) => answered.push('first') && d);
      await new Promise((resolve) => setImmediate(resolve));
      const other = checkout(second, 'di', 2).then((d) => answered.push('second') && d);
      expect(await other).toMatchObject({ kind: 'held', isNew: true });
      expect(await stalled).toMatchObject({ kind: 'held', isNew: true });
      expect(answered).toEqual(['second', 'first']);
    } finally {
      client.disconnect();
    }
  });

  // Last: it leaves the cluster without one of its nodes.
  it('/health and /health/ready answer 503 naming redis when the node serving the current sale is down', async () => {
    const saleId = saleIdAt(Date.now(), DAY_MS) + 10;
    const clock = manualClock(saleId * DAY_MS + 1000);
    const server = await startServer(configWith({}), { clock: clock.now, log: createLogger('silent') });
    try {
      expect((await call(server.url, 'GET', '/health')).status).toBe(200);
      await cluster.killNode(await cluster.ownerOf(PREFIX + saleKeys(saleId).meta));
      const health = await call(server.url, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        status: 'unavailable',
        postgres: { status: 'ok' },
        redis: { status: 'down' },
      });
      const ready = await call(server.url, 'GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not_ready', redis: { status: 'down' } });
      expect((await call(server.url, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
