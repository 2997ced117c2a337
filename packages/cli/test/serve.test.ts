import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery, databaseUrl, dropDatabase, query, useTestStores } from '../../server/test/support/db.js';
import { runCli, startCli, storeFlags } from './support/cli.js';

describe('flashsale serve', () => {
  const stores = useTestStores();

  const flags = () => ['--port', '0', ...storeFlags(stores), '--sale-size', '1000'];

  it('with --workers 2 serves on one port, replaces a killed worker, and stops cleanly on SIGTERM', async () => {
    const serve = startCli(['serve', ...flags(), '--workers', '2']);
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

    const victim = Number(/"pid":(\d+),"role":"worker"/.exec(serve.stdout())![1]);
    process.kill(victim, 'SIGKILL');
    await serve.waitForEvent('worker_exited');
    // the replacement comes up and the service keeps answering
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (
        await fetch(`${url}/checkout?user_id=after&id=${100 + i}`, { method: 'POST' }).catch(() => ({
          status: 0,
        }))
      ).status;
    }
    expect(status).toBe(200);

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
    expect(await query(url, 'SELECT version FROM schema_migrations')).toEqual([{ version: '001_init' }]);
  });
});
