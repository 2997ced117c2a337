// pg-drop: the service reaches Postgres through a proxy the run starts (on a thread of its own);
// mid-load the proxy drops every connection and refuses new ones for a few seconds, and any
// service backend still up is terminated. The run and the verifier reach Postgres directly.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultDefinition } from './fault.js';
import { startThreadedProxy } from './tcp-proxy-thread.js';

const PG_DROP_MS = 3000;
const SERVICE_BACKENDS =
  "FROM pg_stat_activity WHERE application_name = 'flashsale' AND datname = current_database()";

/** The service's Postgres connections when the proxy cut them, and the backends still up then terminated. */
export type PgDropEvidence = { connectionsDropped: number; backendsTerminated: number };

export const pgDrop: FaultDefinition<PgDropEvidence> = {
  description: "cut the service's Postgres connections and refuse new ones for a few seconds",
  async arm(configs, say) {
    const url = new URL(configs.direct.databaseUrl);
    const proxy = await startThreadedProxy(url.hostname || '127.0.0.1', Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    say(`pg-drop: the service reaches Postgres through a proxy on port ${proxy.port}`);
    return {
      configs: { ...configs, service: { ...configs.service, databaseUrl: url.toString() } },
      async inject({ postgres }) {
        const before = await postgres.query(`SELECT count(*)::int AS n ${SERVICE_BACKENDS}`);
        // Dropping the proxied sockets ends their backends; any still up are terminated.
        proxy.down();
        const terminated = await postgres.query(
          `SELECT count(pg_terminate_backend(pid))::int AS n ${SERVICE_BACKENDS}`,
        );
        await sleep(PG_DROP_MS);
        proxy.up();
        const evidence = {
          connectionsDropped: Number(before.rows[0]?.n ?? 0),
          backendsTerminated: Number(terminated.rows[0]?.n ?? 0),
        };
        return {
          detail: `cut Postgres for ${PG_DROP_MS} ms: dropped the service's ${evidence.connectionsDropped} connections (${evidence.backendsTerminated} backends still up terminated)`,
          evidence,
        };
      },
      close: () => proxy.close(),
    };
  },
};
