// GET /health: each dependency checked with its latency; 503 names the part that failed. Redis is
// checked on the current sale's hash slot (a command routed to the node that serves it), so a
// node that cannot serve the sale is not "ok". GET /health/live: the process answers (no
// dependency). GET /health/ready: both dependencies answer and the current sale is open here.
import type { SaleReadiness } from '../sale/readiness.js';
import type { Reply } from './respond.js';

const CHECK_TIMEOUT_MS = 1000;

type Check = { status: 'ok' | 'down'; latency_ms: number; error?: string };

/** The two doors of the service, each of which can say whether its dependency answers. */
export type Pingable = { ping(): Promise<void> };

/**
 * `saleSlot` pings the node serving the current sale's keys; `saleState` says whether the current
 * period's sale is open in this process or still opening (prepared ahead, it is open before the
 * first request); it does not change the status.
 */
export async function healthReply(
  store: Pingable,
  saleSlot: Pingable,
  saleState: () => 'open' | 'opening',
): Promise<Reply> {
  const [postgres, redisCheck] = await Promise.all([timed(() => store.ping()), timed(() => saleSlot.ping())]);
  const isOk = postgres.status === 'ok' && redisCheck.status === 'ok';
  const failing = [
    postgres.status === 'down' ? 'postgres' : null,
    redisCheck.status === 'down' ? 'redis' : null,
  ].filter((part) => part !== null);
  const sale = saleState();
  const body = isOk
    ? { status: 'ok', postgres, redis: redisCheck, sale }
    : {
        status: 'unavailable',
        error: 'unavailable',
        message: `${failing.join(' and ')} unavailable`,
        postgres,
        redis: redisCheck,
        sale,
      };
  return {
    status: isOk ? 200 : 503,
    outcome: isOk ? 'ok' : 'unavailable',
    body: JSON.stringify(body),
    ...(isOk ? {} : { headers: ['retry-after', '1'] }),
  };
}

export const liveReply: Reply = { status: 200, outcome: 'ok', body: JSON.stringify({ status: 'ok' }) };

export async function readyReply(
  store: Pingable,
  saleSlot: Pingable,
  readiness: () => Promise<SaleReadiness>,
): Promise<Reply> {
  const [postgres, redisCheck] = await Promise.all([timed(() => store.ping()), timed(() => saleSlot.ping())]);
  // The sale is asked only when both stores answer: opening it needs them.
  const sale = postgres.status === 'ok' && redisCheck.status === 'ok' ? await readiness() : undefined;
  const isReady = sale?.status === 'ready';
  const failing = [
    postgres.status === 'down' ? 'postgres unavailable' : null,
    redisCheck.status === 'down' ? "redis (the current sale's slot) unavailable" : null,
    sale !== undefined && !isReady
      ? `sale ${sale.saleId} ${sale.sale}${sale.message ? `: ${sale.message}` : ''}`
      : null,
  ].filter((part) => part !== null);
  const body = {
    status: isReady ? 'ready' : 'not_ready',
    ...(sale === undefined ? {} : { sale: sale.sale, sale_id: sale.saleId }),
    ...(isReady ? {} : { error: 'unavailable', message: failing.join('; ') }),
    postgres,
    redis: redisCheck,
  };
  return {
    status: isReady ? 200 : 503,
    outcome: isReady ? 'ok' : 'unavailable',
    body: JSON.stringify(body),
    ...(isReady ? {} : { headers: ['retry-after', '1'] }),
  };
}

async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'ok', latency_ms: round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latency_ms: round(performance.now() - started),
      error: (error as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
