// Runs bench/dist/undici-floor.js (built by `pnpm install` / `pnpm -s build`) against a server of
// the test's own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUndiciFloor } from '../src/floor.js';

let server: Server;
let url = '';
const requestIds = new Set<string>();
const paths = new Set<string>();

beforeAll(async () => {
  server = createServer((request, response) => {
    // The floor opens its connections with GET /health before its clock starts.
    if (request.url !== '/health') requestIds.add(String(request.headers['x-request-id']));
    paths.add(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"code":"c","sale_id":1,"item_id":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("undici's floor (a bare Pool.dispatch loop)", () => {
  it('sends every slot of its open-loop schedule once, each with its own request id, and hears every answer', async () => {
    requestIds.clear();
    const run = await runUndiciFloor({ url, connections: 4, durationS: 1, rps: 300 });
    expect(run).toMatchObject({
      mode: 'open',
      target_rps: 300,
      sent: 300,
      requests: 300,
      errors: 0,
      non2xx: 0,
    });
    expect(requestIds.size).toBe(300);
    expect(paths).toContain('POST /checkout?user_id=u1&id=1');
    expect(run.ended_at_ms).toBeGreaterThanOrEqual(run.started_at_ms);
  });

  it('in a closed loop keeps every connection busy until its time is up, then ends with nothing in flight', async () => {
    const run = await runUndiciFloor({ url, connections: 3, durationS: 1, rps: null });
    expect(run.mode).toBe('closed');
    expect(run.target_rps).toBeNull();
    expect(run.requests).toBeGreaterThan(3);
    expect(run.requests).toBe(run.sent);
    expect(run.errors + run.non2xx).toBe(0);
  });
});
