// Before the real schedule, the client runs its own hot path for a moment against a throwaway
// server inside this process. A cold process (interpreted code, unoptimised undici and llhttp)
// otherwise falls behind in its first second, and its own delay lands in the latencies of the
// first requests. No request reaches the target; the warm-up run records nothing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimOptions } from '../config/options.js';

/** The warm-up runs at the first stage's rate up to this: the hotter, the sooner V8 optimises the path. */
const warmUpMaxRps = 10_000;

const checkoutBody = JSON.stringify({
  code: 'warm-up-code-0000000000',
  sale_id: 0,
  item_id: 0,
  expires_at: new Date(0).toISOString(),
});
const purchaseBody = JSON.stringify({ purchase_id: 'warm-up', sale_id: 0, item_id: 0, user_id: 'warm-up' });

export async function warmUp(
  options: SimOptions,
  runWarm: (options: SimOptions) => Promise<unknown>,
): Promise<void> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    const body = url.startsWith('/checkout') ? checkoutBody : purchaseBody;
    request.resume();
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await runWarm({
      ...options,
      targets: [`http://127.0.0.1:${port}`],
      itemsRefreshMs: 0,
      stages: [
        { durationMs: options.warmUpMs, rps: Math.min(options.stages[0]?.rps ?? warmUpMaxRps, warmUpMaxRps) },
      ],
      stopsAtSellout: false,
      reportPath: null,
      ledgerPath: null,
      thresholds: [],
      progress: 'none',
      warmUpMs: 0,
      runId: 'warm-up',
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
