// Runs bench/dist/undici-floor.js (built by `pnpm install` / `pnpm -s build`) against a server of
// the test's own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUndiciFloor, steadyAfterS } from '../src/floor.js';
import { floorFailures } from '../src/simulator.js';

let server: Server;
let url = '';
let answerAfterMs = 0;
const requestIds = new Set<string>();
const paths = new Set<string>();

beforeAll(async () => {
  server = createServer((request, response) => {
    // The floor opens its connections with GET /health before its clock starts.
    if (request.url !== '/health') requestIds.add(String(request.headers['x-request-id']));
    paths.add(`${request.method} ${request.url}`);
    request.resume();
    const answer = () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"code":"c","sale_id":1,"item_id":1}');
    };
    if (answerAfterMs === 0 || request.url === '/health') answer();
    else setTimeout(answer, answerAfterMs);
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

  it('counts the slots of its steady seconds (from 2 s after the start) apart, and achieves its rate when the server keeps up', async () => {
    const run = await runUndiciFloor({ url, connections: 4, durationS: 3, rps: 200 });
    expect(steadyAfterS).toBe(2);
    expect(run.sent).toBe(600);
    expect(run.steady_sent).toBe(200); // slots 400 to 599
    expect(run.steady_late).toBeLessThanOrEqual(run.late);
    expect(run.rps).toBeGreaterThan(196); // achieved on the simulator's terms, the drain included
  });

  it('fails the schedule when its connections cannot carry the rate: slots wait for a free one and go out late', async () => {
    answerAfterMs = 20; // one connection: 50 answers a second at most, against 80 slots
    try {
      const run = await runUndiciFloor({ url, connections: 1, durationS: 3, rps: 80 });
      expect(run.steady_sent).toBe(80);
      expect(run.steady_late).toBeGreaterThan(70);
      expect(floorFailures(run)).toContainEqual(expect.stringMatching(/late in steady seconds$/));
      expect(floorFailures(run)).toContainEqual(expect.stringMatching(/^achieved /));
    } finally {
      answerAfterMs = 0;
    }
  });
});

describe('the floor on schedule, the simulator test', () => {
  const base = {
    mode: 'open' as const,
    target_rps: 10_000,
    requests: 80_000,
    sent: 80_000,
    late: 5_000,
    errors: 0,
    non2xx: 0,
    duration_s: 8,
    rps: 10_000,
    started_at_ms: 0,
    ended_at_ms: 8_000,
    steady_requests: 60_000,
    steady_sent: 60_000,
    steady_late: 600,
  };
  it('allows late sends in the start-up seconds and up to 1% of the steady ones', () => {
    expect(floorFailures(base)).toEqual([]);
  });
  it('fails more than 1% late in the steady seconds, an achieved rate under 98%, or a failed request', () => {
    expect(floorFailures({ ...base, steady_late: 601 })).toEqual(['601 late in steady seconds']);
    expect(floorFailures({ ...base, rps: 9_799 })).toEqual(['achieved 9799/s']);
    expect(floorFailures({ ...base, non2xx: 1 })).toEqual(['1 failed']);
  });
});
