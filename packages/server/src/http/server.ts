// The node:http server: routing by a table lookup, request ids, timeouts against slow clients,
// metrics per route and outcome, and a graceful close that lets in-flight requests finish.
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { refuse } from '../errors.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import { errorReply, type Reply, send } from './respond.js';
import { notFound, type RouteEntry } from './routes.js';

const MAX_HEADER_BYTES = 16 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const requestIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;
// No route takes a body: one is refused unread (and the connection closed, as it was not drained).
const bodyRefused = errorReply(
  refuse('payload_too_large', 'request bodies are not accepted: send the parameters in the query string'),
  ['connection', 'close'],
);
const internalError = errorReply(
  refuse('internal', 'internal error; it has been logged with the request id'),
);

export type HttpServer = {
  server: Server;
  inFlight: () => number;
  /** Starts listening; resolves with the address clients reach it at (port 0 picks one). */
  listen: (port: number, host: string) => Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes every socket. */
  close: (graceMs: number) => Promise<void>;
};

/** How long a client may take to send its request; tests shorten them. */
export type ClientTimeouts = Readonly<{
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How often node:http looks for connections past those timeouts. */
  checkIntervalMs: number;
}>;

const defaultTimeouts: ClientTimeouts = {
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  checkIntervalMs: 1000,
};

export function createHttpServer(
  routes: Map<string, RouteEntry>,
  metrics: Metrics,
  log: Logger,
  timeouts: ClientTimeouts = defaultTimeouts,
): HttpServer {
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
    if ((length !== undefined && Number(length) > 0) || req.headers['transfer-encoding'] !== undefined) {
      send(res, bodyRefused, requestId);
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
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    handle,
  );
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // Malformed HTTP, oversized headers or a slow client: node:http never made a request of it, so
    // the JSON answer is written to the socket here, and counted under the route `other`.
    const response = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || response?.headersSent === true) {
      socket.destroy(); // reset by the client, or an answer is under way: nothing to say
      return;
    }
    const reply = parserReplyOf(error.code);
    metrics.countUnparsed(reply.outcome);
    socket.end(rawResponse(reply));
  });

  return {
    server,
    inFlight: () => inFlight,
    async listen(port: number, host: string) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
    },
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

const parserReplies = {
  timeout: errorReply(
    refuse(
      'request_timeout',
      `the request did not arrive in time (headers within ${HEADERS_TIMEOUT_MS / 1000} s, all of it within ${REQUEST_TIMEOUT_MS / 1000} s)`,
    ),
  ),
  tooLarge: errorReply(
    refuse('invalid_request', `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes`),
  ),
  malformed: errorReply(refuse('invalid_request', 'malformed HTTP request')),
} as const;

/** The answer to an error node:http's parser raised, by its code. */
function parserReplyOf(code: string | undefined): Reply {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return parserReplies.timeout;
  if (code === 'HPE_HEADER_OVERFLOW') return parserReplies.tooLarge;
  return parserReplies.malformed;
}

/** A whole HTTP/1.1 response as text, for a socket that has no ServerResponse. */
function rawResponse(reply: Reply): string {
  return (
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(reply.body)}\r\nconnection: close\r\n\r\n${reply.body}`
  );
}
