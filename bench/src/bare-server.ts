// The baseline: a bare node:http server answering what flashsale answers, with bodies of the same
// shape and size and the same headers, and no work behind them. Also the "trivial server" the
// simulator benchmark loads. Run as its own process:
//   node bench/dist/bare-server.js --port 0 [--workers N]
// and it prints one JSON line {"event":"listening","url":…} once every worker listens.
import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { SaleAnswer } from '@flashsale/protocol';
import { saleOpenedBy } from './bare-sale.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    workers: { type: 'string', default: '1' },
    // Set by the primary for its workers, so that all answer the same sale.
    'started-at-ms': { type: 'string' },
  },
});
const workers = Number(values.workers);
const port = Number(values.port);
const startedAtMs = values['started-at-ms'] === undefined ? Date.now() : Number(values['started-at-ms']);

/** Longer than any benchmark: the sale open from the server's start on never ends under load. */
const SALE_MIN_DURATION_MS = 86_400_000;
const period = saleOpenedBy(startedAtMs, SALE_MIN_DURATION_MS);
const saleId = period.saleId;
const saleSize = 1_000_000;
const expiresAt = new Date(startedAtMs + 300_000).toISOString();
const sale: SaleAnswer = {
  sale_id: saleId,
  starts_at: new Date(period.startsAtMs).toISOString(),
  ends_at: new Date(period.endsAtMs).toISOString(),
  size: saleSize,
  sold: 0,
  held: 0,
  available: saleSize,
};
const saleBody = JSON.stringify(sale);

// A code as long as the service's ("<sale>.<6 base36 time digits><22 base64url chars>"), unique
// per answer so the simulator's buyers can purchase with it, made from a counter rather than
// random bytes.
let counter = 0;
const nextCode = () => `${saleId}.${(counter++).toString(36).padStart(28, '0')}`;

/** The `id` parameter of a checkout query, split by hand as the service does. */
function itemIdOf(query: string): number {
  const found = query.indexOf('&id=');
  const start = query.startsWith('id=') ? 3 : found === -1 ? -1 : found + 4;
  if (start === -1) return 0;
  const end = query.indexOf('&', start);
  return Number(query.slice(start, end === -1 ? undefined : end)) || 0;
}

function checkoutBody(query: string): string {
  return `{"code":"${nextCode()}","sale_id":${saleId},"item_id":${itemIdOf(query)},"expires_at":"${expiresAt}"}`;
}

function purchaseBody(): string {
  const id = (counter++).toString(16).padStart(32, '0');
  const purchaseId = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return `{"purchase_id":"${purchaseId}","sale_id":${saleId},"item_id":1,"user_id":"s1.u1"}`;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const body =
    path === '/checkout'
      ? checkoutBody(q === -1 ? '' : url.slice(q + 1))
      : path === '/purchase'
        ? purchaseBody()
        : path === '/sale'
          ? saleBody
          : '{"status":"ok"}';
  res.writeHead(200, [
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(body)),
    'x-request-id',
    String(req.headers['x-request-id'] ?? counter),
  ]);
  res.end(body);
}

function listen(onListening: (boundPort: number) => void): void {
  const server = http.createServer(answer);
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => onListening((server.address() as AddressInfo).port));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

const announce = (boundPort: number) =>
  console.log(JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${boundPort}` }));

if (workers > 1 && cluster.isPrimary) {
  cluster.setupPrimary({ args: [...process.argv.slice(2), '--started-at-ms', String(startedAtMs)] });
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('listening', (address) => {
      listening += 1;
      if (listening === workers) announce(address.port);
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  listen((boundPort) => {
    if (cluster.isPrimary) announce(boundPort);
  });
}
