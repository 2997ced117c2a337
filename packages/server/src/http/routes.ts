// The route table, built once: "METHOD /path" → handler. Handlers turn validated parameters
// into sale operations and their outcomes into replies; they never touch the socket.
import { saleIdAt } from '@flashsale/protocol';
import { refuse } from '../errors.js';
import type { Route } from '../observe/metrics.js';
import { attemptIds } from '../sale/attempt-ids.js';
import { checkout } from '../sale/checkout.js';
import type { SaleDeps } from '../sale/deps.js';
import { saleOpenState } from '../sale/prepare.js';
import { purchase } from '../sale/purchase.js';
import { saleReadiness } from '../sale/readiness.js';
import { saleItems, saleStatus } from '../sale/status.js';
import { healthReply, liveReply, readyReply } from './health.js';
import { checkoutParams, pageParams, purchaseParams } from './query.js';
import { checkoutReply, errorReply, itemsReply, purchaseReply, type Reply, saleReply } from './respond.js';

export type RequestContext = { query: string; requestId: string };

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

export type RouteEntry = { method: 'GET' | 'POST'; route: Route; handler: Handler };

export type MetricsSource = () => Promise<{ contentType: string; text: string }>;

export function buildRoutes(deps: SaleDeps, metricsText: MetricsSource): Map<string, RouteEntry> {
  const { saleSize } = deps.config;
  const saleSlot = {
    ping: () => deps.admission.pingSale(saleIdAt(deps.clock(), deps.config.saleDurationMs)),
  };
  const nextAttemptId = attemptIds();
  return new Map<string, RouteEntry>([
    [
      '/checkout',
      {
        method: 'POST',
        route: 'checkout',
        handler: async ({ query, requestId }) => {
          // The client's x-request-id need not be unique; this is, and every answer says it.
          const attemptId = nextAttemptId();
          const params = checkoutParams(query, saleSize);
          if ('ok' in params) return checkoutReply(params, attemptId);
          const outcome = await checkout(deps, {
            userId: params.userId,
            itemId: params.itemId,
            requestId,
            attemptId,
          });
          return checkoutReply(outcome, attemptId);
        },
      },
    ],
    [
      '/purchase',
      {
        method: 'POST',
        route: 'purchase',
        handler: async ({ query, requestId }) => {
          const params = purchaseParams(query);
          if ('ok' in params) return errorReply(params);
          return purchaseReply(await purchase(deps, { code: params.code, saleId: params.saleId, requestId }));
        },
      },
    ],
    [
      '/health',
      {
        method: 'GET',
        route: 'health',
        handler: () => healthReply(deps.store, saleSlot, () => saleOpenState(deps)),
      },
    ],
    ['/health/live', { method: 'GET', route: 'health', handler: () => liveReply }],
    [
      '/health/ready',
      {
        method: 'GET',
        route: 'health',
        handler: () => readyReply(deps.store, saleSlot, () => saleReadiness(deps)),
      },
    ],
    ['/sale', { method: 'GET', route: 'sale', handler: async () => saleReply(await saleStatus(deps)) }],
    [
      '/sale/items',
      {
        method: 'GET',
        route: 'sale_items',
        handler: async ({ query }) => {
          const page = pageParams(query);
          if ('ok' in page) return errorReply(page);
          return itemsReply(await saleItems(deps, page));
        },
      },
    ],
    [
      '/metrics',
      {
        method: 'GET',
        route: 'metrics',
        handler: async () => {
          const { contentType, text } = await metricsText();
          return { status: 200, outcome: 'ok', body: text, contentType };
        },
      },
    ],
  ]);
}

export const notFound = errorReply(refuse('not_found', 'no such route; see the API in docs/openapi.yaml'));
