// Before the real schedule, the client runs its own hot path for a moment against a throwaway
// server inside this process. A cold process (interpreted code, unoptimised undici and llhttp)
// otherwise falls behind in its first second, and its own delay lands in the latencies of the
// first requests. No request reaches the target; the warm-up run records nothing.
//
// The throwaway server is a bare socket that answers every request with a prepared response: a
// node:http server would spend about as much CPU per request as the client it warms (its own code
// cold too), all of it counted against the simulator and none of it of use to the run.
//
// The warm-up also reads GET /sale from that server, often, as the run's watch of the sale does
// once a second: those reads go through the same undici and stream functions as the load (undici's
// request API, a body stream), and a warm-up without them left V8 to compile those functions for
// the load's objects alone, to be thrown away at the first reading of the sale after the start.
//
// It runs in rounds, each a part of its own (its own pool, buyers, schedule and callbacks). V8
// compiles the hot path for the one part it has seen: code that inlined that part's callbacks, or
// read its objects by their exact shape, is thrown away when the run's own part arrives ("wrong call
// target", "wrong map") and compiled again on the run's one core in its first second, while the
// schedule falls behind. A second and third part meet those throw-aways inside the warm-up, and
// what V8 compiles after them serves any part. One 500 ms round against four of 250 ms, 3 pairs
// at 8,000/s and 12,000/s against a bare server on a 2-core box: 4,354-4,946 against 232-572
// requests late at 8,000/s, 8,508-17,434 against 710-1,389 at 12,000/s.

import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { saleIdAt, saleWindow } from '@flashsale/protocol';
import type { SimOptions } from '../config/options.js';
import { SaleMonitor } from '../sale/monitor.js';
import type { PartSale } from './part.js';

/** The warm-up runs at the first stage's rate up to this: the hotter, the sooner V8 optimises the path. */
const warmUpMaxRps = 10_000;
/** The warm-up's rounds are this long at most (--warm-up 1s: four parts one after another). */
const warmUpRoundMs = 250;
/** How often the warm-up reads GET /sale: often enough for V8 to see it before it compiles the shared code. */
const saleReadEveryMs = 10;

// The answers look like a live service's, values and headers alike: times of now (epoch ms past
// 2^31, which V8 keeps as doubles, where a time of 0 is a small integer), a UUID for a purchase, and
// the headers node:http adds (date, keep-alive). V8 specialises the code and the object shapes it
// compiles to the values and headers it has seen, and throws that code away when the run's answers
// differ ("not a Smi", "wrong map", and "insufficient type feedback" in undici's header callbacks
// were among the deopts at the start with answers of times of 0 and no keep-alive).
const holdMs = 5 * 60_000;
const nowMs = Date.now();
const hourMs = 3_600_000;
const sale = saleWindow(saleIdAt(nowMs, hourMs), hourMs);
const { saleId } = sale;
const checkoutOf = (itemId: number) =>
  JSON.stringify({
    code: `${saleId}.warmup0000000000000000000000`,
    sale_id: saleId,
    item_id: itemId,
    expires_at: new Date(nowMs + holdMs).toISOString(),
  });
const checkoutBody = checkoutOf(1);
const saleBody = JSON.stringify({
  sale_id: saleId,
  starts_at: new Date(sale.startsAtMs).toISOString(),
  ends_at: new Date(sale.endsAtMs).toISOString(),
  size: 10_000,
  sold: 0,
  held: 0,
  available: 10_000,
});
const purchaseBody = JSON.stringify({
  purchase_id: '00000000-0000-4000-8000-000000000000',
  sale_id: saleId,
  item_id: 1,
  user_id: 'warm-up.u1',
});

/** A whole 200 answer with a JSON body, as bytes, with the headers a node:http service sends. */
function answerOf(body: string): Buffer {
  return Buffer.from(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: warm-up\r\nx-attempt-id: warm-up\r\nDate: ${new Date(nowMs).toUTCString()}\r\n` +
      'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n' +
      body,
    'latin1',
  );
}

const checkoutAnswer = answerOf(checkoutBody);
const purchaseAnswer = answerOf(purchaseBody);
const saleAnswer = answerOf(saleBody);
const endOfHead = '\r\n\r\n';

/**
 * Answers each request on a socket. The simulator's requests have no body, so each ends at its
 * first blank line; a checkout's path starts with /checkout, anything else gets a purchase's answer.
 */
function answerRequests(socket: Socket): void {
  let pending = '';
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    let start = 0;
    for (let end = pending.indexOf(endOfHead); end !== -1; end = pending.indexOf(endOfHead, start)) {
      const pathAt = pending.indexOf(' ', start) + 1;
      socket.write(answerTo(pending, pathAt));
      start = end + endOfHead.length;
    }
    pending = pending.slice(start);
  });
}

/** The prepared answer to a request whose path starts at `pathAt`. */
export function answerTo(request: string, pathAt: number): Buffer {
  if (request.startsWith('/checkout', pathAt)) return checkoutAnswerTo(request, pathAt);
  return request.startsWith('/sale ', pathAt) ? saleAnswer : purchaseAnswer;
}

const itemIdParameter = /[?&]id=(\d{1,15})(?:&|$)/;

/**
 * A checkout's answer names the item asked for, as a service that echoes it does. The invalid
 * buyers ask for ids past V8's small integers (2147483648): read back from an answer, such an id
 * is a double, and the first one met changed the shape of every answer object read after it
 * ("wrong map"), at the run's start when the warm-up had answered item 1 to all.
 */
function checkoutAnswerTo(request: string, pathAt: number): Buffer {
  const path = request.slice(pathAt, request.indexOf(' ', pathAt));
  const itemId = itemIdParameter.exec(path)?.[1];
  return itemId === undefined || itemId === '1' ? checkoutAnswer : answerOf(checkoutOf(Number(itemId)));
}

/**
 * The sale a warm-up part is told of: the throwaway server's, known by id and period as a live
 * service's is when it has GET /sale, and unknown (null) when the target has none, as the run's will
 * be. A part's fields hold what it is told: a part that held null where the run's holds a number
 * would give the run's objects another shape than the warm-up's, and its code compiled for it
 * would be thrown away at the start.
 */
export function warmUpSale(options: SimOptions): PartSale {
  return options.profile.hasSaleEndpoint
    ? { size: options.saleSize, saleId, periodMs: hourMs }
    : { size: options.saleSize, saleId: null, periodMs: null };
}

export async function warmUp(
  options: SimOptions,
  runWarm: (options: SimOptions, sale: PartSale) => Promise<unknown>,
): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    answerRequests(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const target = `http://127.0.0.1:${port}`;
  const monitor = new SaleMonitor(target, options.timeoutMs);
  const rounds = Math.max(1, Math.ceil(options.warmUpMs / warmUpRoundMs));
  const round: SimOptions = {
    ...options,
    targets: [target],
    itemsRefreshMs: 0,
    stages: [
      {
        durationMs: options.warmUpMs / rounds,
        rps: Math.min(options.stages[0]?.rps ?? warmUpMaxRps, warmUpMaxRps),
      },
    ],
    stopsAtSellout: false,
    reportPath: null,
    ledgerPath: null,
    thresholds: [],
    progress: 'none',
    warmUpMs: 0,
    runId: 'warm-up',
  };
  try {
    monitor.watch(saleReadEveryMs, () => undefined);
    for (let i = 0; i < rounds; i++) await runWarm(round, warmUpSale(options));
  } finally {
    await monitor.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
