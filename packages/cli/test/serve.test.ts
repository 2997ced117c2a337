import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery, databaseUrl, dropDatabase, query, useTestStores } from '../../server/test/support/db.js';
import { runCli, startCli, storeFlags } from './support/cli.js';

describe('flashsale serve', () => {
  const stores = useTestStores();

  const flags = () => ['--port', '0', ...storeFlags(stores), '--sale-size', '1000'];

  it('with --workers 2 serves on one port, replaces a killed worker, and stops cleanly on SIGTERM', async () => {
    // Debug logging: every request's line names the worker (pid) that answered it.
    const serve = startCli(['serve', ...flags(), '--workers', '2', '--log-level', 'debug']);
    const listening = await serve.waitForEvent('listening');
    const url = String(listening.url);
    expect(listening.workers).toBe(2);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${url}/checkout?user_id=w${i}&id=${i}`, { method: 'POST' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(new Array(20).fill(200));

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/flashsale_http_requests_total\{route="checkout",outcome="ok"\} 20/);

    const workers = serve.events('worker_listening');
    expect(workers.map((w) => w.slot).sort()).toEqual([0, 1]);
    const victim = workers[0]!;
    process.kill(Number(victim.workerPid), 'SIGKILL');
    const exited = await serve.waitForEvent('worker_exited');
    expect(exited).toMatchObject({ slot: victim.slot, workerPid: victim.workerPid, signal: 'SIGKILL' });

    // The primary forks a replacement into the dead worker's slot ...
    const replacement = await serve.waitForMatchingEvent(
      'worker_listening',
      (w) => w.slot === victim.slot && w.workerPid !== victim.workerPid,
    );
    expect(isAlive(Number(victim.workerPid))).toBe(false);
    expect(isAlive(Number(replacement.workerPid))).toBe(true);
    // ... and it serves: the primary deals new connections to its workers in turn.
    for (let i = 0; i < 6; i++) {
      expect(await checkoutOnNewConnection(url, `after${i}`, 100 + i)).toBe(200);
    }
    const served = await serve.waitForMatchingEvent(
      'request',
      (line) => line.pid === replacement.workerPid && String(line.requestId).startsWith('after'),
    );
    expect(served).toMatchObject({ route: 'checkout', status: 200 });

    serve.child.kill('SIGTERM');
    const done = await serve.finished;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('"event":"shutting_down"');
  });

  it('a SIGTERM under load loses no acknowledged checkout', async () => {
    const serve = startCli(['serve', ...flags()]);
    const url = String((await serve.waitForEvent('listening')).url);
    // SIGTERM lands once the first answers are back, with the rest of the burst still in flight.
    let answeredSoFar = 0;
    const inFlight = Array.from({ length: 300 }, (_, i) =>
      fetch(`${url}/checkout?user_id=sig${i % 50}&id=${200 + (i % 300)}`, {
        method: 'POST',
        headers: { 'x-request-id': `sigterm-${i}` },
      }).then(
        (r) => {
          if (++answeredSoFar === 20) serve.child.kill('SIGTERM');
          return { id: `sigterm-${i}`, status: r.status };
        },
        () => ({ id: `sigterm-${i}`, status: 0 }),
      ),
    );
    const answers = await Promise.all(inFlight);
    expect((await serve.finished).code).toBe(0);
    const answered = answers.filter((a) => a.status === 200 || a.status === 409 || a.status === 403);
    expect(answered.length).toBeGreaterThan(0);
    const rows = await query<{ request_id: string }>(
      stores.db.url,
      "SELECT request_id FROM checkout_attempts WHERE request_id LIKE 'sigterm-%'",
    );
    const stored = new Set(rows.map((r) => r.request_id));
    expect(answered.filter((a) => !stored.has(a.id))).toEqual([]);
  });

  it('a bad flag value fails with one line naming the flag, exit 2', async () => {
    const result = await runCli(['serve', '--hold-ttl', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'flashsale: --hold-ttl: "soon" is not valid; expected a duration from 100ms to 1d, such as 500ms, 10s, 5m',
    ]);
  });

  it('an unknown flag fails with exit 2', async () => {
    const result = await runCli(['serve', '--colour', 'blue']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--colour'");
  });

  it('an unreachable database fails to start with a clear message, exit 2', async () => {
    const result = await runCli(['serve', '--port', '0', '--database-url', 'postgres://127.0.0.1:1/nothing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^flashsale: could not connect to Postgres at .*: .*ECONNREFUSED/);
  });
});

describe('flashsale migrate', () => {
  const name = `flashsale_t_migrate_${process.pid}`;
  afterAll(() => dropDatabase(name));

  it('creates a missing database and applies the schema, and a second run applies nothing', async () => {
    await dropDatabase(name);
    const url = databaseUrl(name);
    const first = await runCli(['migrate', '--database-url', url]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('"event":"database_created"');
    expect(first.stdout).toContain('"event":"migration_applied","service":"flashsale","version":"001_init"');
    const second = await runCli(['migrate', '--database-url', url]);
    expect(second.stdout).not.toContain('migration_applied');
    const tables = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(tables.rowCount).toBe(1);
    const files = readdirSync(new URL('../../server/src/store/pg/migrations/', import.meta.url))
      .filter((file) => file.endsWith('.sql'))
      .map((file) => ({ version: file.replace(/\.sql$/, '') }))
      .sort((a, b) => a.version.localeCompare(b.version));
    expect(await query(url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(files);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}

/** A checkout on a connection of its own, closed after the answer; resolves with the status. */
function checkoutOnNewConnection(url: string, userId: string, itemId: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/checkout?user_id=${userId}&id=${itemId}`,
      {
        method: 'POST',
        agent: false,
        headers: { connection: 'close', 'x-request-id': `${userId}-${itemId}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
