// The sockets opened before the schedule are handed to undici only while they are fresh and
// nothing has arrived on them: a node:http server ends a connection that sent nothing within its
// headers timeout with a 408, which would otherwise be read as the answer to the next request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WarmConnector } from '../src/http/warm-connector.js';

let server: Server | undefined;
let connections = 0;

async function listen(options: { headersTimeout: number; requestTimeout: number }): Promise<string> {
  connections = 0;
  server = createServer({ ...options, connectionsCheckingInterval: 50 }, (_req, res) => res.end('ok'));
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(target: string, connector: WarmConnector): Promise<number> {
  const pool = new Pool(target, { connections: 1, connect: connector.connector });
  try {
    const answer = await pool.request({ path: '/checkout', method: 'POST' });
    await answer.body.text();
    return answer.statusCode;
  } finally {
    await pool.close();
    connector.close();
  }
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('WarmConnector', () => {
  it('does not hand out a warm socket the server has ended with a 408: the request gets its own answer', async () => {
    const target = await listen({ headersTimeout: 200, requestTimeout: 400 });
    const connector = new WarmConnector(5_000, 60_000);
    await connector.warm(target, 1);
    await sleep(600); // the server's check has answered the idle connection 408 and closed it
    expect(await post(target, connector)).toBe(200);
    expect(connections).toBe(2);
  });

  it('hands out a fresh warm socket, and opens a new one instead of a socket older than its age limit', async () => {
    const target = await listen({ headersTimeout: 60_000, requestTimeout: 60_000 });
    const fresh = new WarmConnector(5_000, 60_000);
    await fresh.warm(target, 1);
    expect(await post(target, fresh)).toBe(200);
    expect(connections).toBe(1);

    const aged = new WarmConnector(5_000, 100);
    await aged.warm(target, 1);
    await sleep(200);
    expect(await post(target, aged)).toBe(200);
    expect(connections).toBe(3);
  });
});
