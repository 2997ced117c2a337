// A local Redis Cluster of a test's own: `masters` redis-server processes started with
// --cluster-enabled on free ports in a temporary directory (nothing kept on disk), joined by
// `redis-cli --cluster create` with no replicas. stop() kills exactly the processes it started.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

export type TestRedisCluster = {
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

export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'flashsale-cluster-'));
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const stop = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(children.map(terminate));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freeClusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const node = (address: string) => {
      const [host, port] = address.split(':');
      const client = new Redis(Number(port), host!, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined); // refused until the node listens; waitFor retries
      clients.push(client);
      return client;
    };
    const direct = nodes.map(node);
    await Promise.all(direct.map((client) => waitFor(async () => (await client.ping()) === 'PONG')));
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
    const killNode = (address: string) => terminate(children[nodes.indexOf(address)]!);
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
    if (port <= 55_535 && (await isFree(port + 10_000))) return port;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('the Redis Cluster did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
