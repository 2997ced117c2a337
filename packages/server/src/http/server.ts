// The node:http server: routing by a table lookup, request ids, timeouts against slow clients,
// metrics per route and outcome, and a graceful close that lets in-flight requests finish.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { refuse } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import { errorReply, send } from './respond.js';
import { notFound, type RouteEntry } from './routes.js';

/** Bodies are not read; anything larger than this is refused rather than drained. */
const MAX_BODY_BYTES = 16 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const requestIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;
const tooLarge = errorReply(
  refuse('payload_too_large', `request bodies are not used; send at most ${MAX_BODY_BYTES} bytes`),
  ['connection', 'close'],
);
const internalError = errorReply(
  refuse('internal', 'internal error; it has been logged with the request id'),
);

export type HttpServer = {
  server: Server;
  inFlight: () => number;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes every socket. */
  close: (graceMs: number) => Promise<void>;
};

export function createHttpServer(routes: Map<string, RouteEntry>, metrics: Metrics, log: Logger): HttpServer {
  const idPrefix = `${randomBytes(4).toString('hex')}-`;
  let nextId = 0;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;

  const finish = (res: ServerResponse, route: RouteEntry['route'], outcome: string, startedMs: number) => {
    metrics.observeRequest(route, outcome, (performance.now() - startedMs) / 1000);
    inFlight -= 1;
    if (inFlight === 0) onIdle?.();
    void res;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const startedMs = performance.now();
    inFlight += 1;
    const header = req.headers['x-request-id'];
    const requestId =
      typeof header === 'string' && requestIdPattern.test(header) ? header : idPrefix + nextId++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const entry = routes.get(path);

    if (entry === undefined) {
      send(res, notFound, requestId);
      return finish(res, 'other', 'not_found', startedMs);
    }
    if (req.method !== entry.method && !(entry.method === 'GET' && req.method === 'HEAD')) {
      send(
        res,
        errorReply(refuse('method_not_allowed', `use ${entry.method} ${path}`), ['allow', entry.method]),
        requestId,
      );
      return finish(res, entry.route, 'method_not_allowed', startedMs);
    }
    const length = req.headers['content-length'];
    if (
      (length !== undefined && Number(length) > MAX_BODY_BYTES) ||
      req.headers['transfer-encoding'] !== undefined
    ) {
      send(res, tooLarge, requestId);
      return finish(res, entry.route, 'payload_too_large', startedMs);
    }

    const query = q === -1 ? '' : url.slice(q + 1);
    Promise.resolve(entry.handler({ query, requestId })).then(
      (reply) => {
        send(res, reply, requestId);
        finish(res, entry.route, reply.outcome, startedMs);
        if (log.isDebug)
          log.debug('request', {
            requestId,
            route: entry.route,
            status: reply.status,
            outcome: reply.outcome,
          });
      },
      (error: unknown) => {
        log.error('request_failed', { requestId, route: entry.route, error });
        if (!res.headersSent) send(res, internalError, requestId);
        else res.destroy();
        finish(res, entry.route, 'internal', startedMs);
      },
    );
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderSize: 16 * 1024,
    },
    handle,
  );
  server.on('clientError', (error, socket) => {
    // Malformed HTTP or a slow client hitting a timeout: answer 400/408 when the socket still can.
    const status = (error as { code?: string }).code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    if (socket.writable)
      socket.end(
        `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    else socket.destroy();
  });

  return {
    server,
    inFlight: () => inFlight,
    async close(graceMs: number) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            onIdle = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
