// A local Redis Cluster of a test's own: `masters` redis-server processes started with
// --cluster-enabled on free ports in a temporary directory (nothing kept on disk), joined by
// `redis-cli --cluster create` with no replicas. stop() kills exactly the processes it started.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import {
  freePort,
  isPortFree,
  launchRedisServer,
  type RedisServerProcess,
  stopProcess,
} from './redis-server.js';

const run = promisify(execFile);

export type LocalRedisCluster = {
  /** "127.0.0.1:port" of every master, for --redis-cluster-nodes. */
  nodes: string[];
  /** The same, joined by commas. */
  nodesFlag: string;
  /** The master ("127.0.0.1:port") that serves the slot of `key` (the full key, prefix included). */
  ownerOf: (key: string) => Promise<string>;
  /** A client to one node (no cluster routing), for reading a node's own keys. */
  node: (address: string) => Redis;
  /** Kills one node (SIGKILL): the slots it served have no node until the cluster is restarted. */
  killNode: (address: string) => Promise<void>;
  stop: () => Promise<void>;
};

const CLUSTER_READY_TIMEOUT_MS = 20_000;

export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'flashsale-cluster-'));
  const servers: RedisServerProcess[] = [];
  const clients: Redis[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((server) => stopProcess(server.child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freeClusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    const clusterArgs = (port: number) => [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '5000',
      '--dir',
      dir,
    ];
    // Every launch settles before any failure is thrown, so stop() finds each node that started.
    const launched = await Promise.allSettled(
      ports.map((port) => launchRedisServer({ port, args: clusterArgs(port) })),
    );
    for (const result of launched) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = launched.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const node = (address: string) => {
      const [host, port] = address.split(':');
      const client = new Redis(Number(port), host!, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined); // a killed node refuses; the test asks what it needs
      clients.push(client);
      return client;
    };
    const direct = nodes.map(node);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(
      direct.map((client) =>
        waitFor(async () => /cluster_state:ok/.test(String(await client.call('CLUSTER', 'INFO')))),
      ),
    );
    const ownerOf = async (key: string) => {
      const slot = Number(await direct[0]!.call('CLUSTER', 'KEYSLOT', key));
      const ranges = (await direct[0]!.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
      const range = ranges.find(([first, last]) => slot >= first && slot <= last);
      if (range === undefined) throw new Error(`no node serves slot ${slot}`);
      return `127.0.0.1:${range[2][1]}`;
    };
    const killNode = async (address: string) => {
      const server = servers.find((s) => `127.0.0.1:${s.port}` === address);
      if (server !== undefined) await stopProcess(server.child);
    };
    return { nodes, nodesFlag: nodes.join(','), ownerOf, node, killNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port <= 55_535 && (await isPortFree(port + 10_000))) return port;
  }
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + CLUSTER_READY_TIMEOUT_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('the Redis Cluster did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
