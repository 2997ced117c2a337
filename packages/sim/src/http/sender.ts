// Sends load requests through one undici Pool (`--connections` keep-alive sockets, no
// pipelining). Each request is its own dispatch handler, so no promise, stream or closure is made
// per request. The handler speaks the interface undici's client calls itself (onConnect, onHeaders,
// onData, onComplete, onError): a handler of the newer interface (onRequestStart ...) is wrapped
// per request in two more objects, and its headers parsed into an object, which costs a few µs a
// request for the one header read here. undici is loaded on first use, so importing the package
// stays cheap.
import type { Dispatcher, Pool } from 'undici';
import type { Session, Step } from '../buyers/session.js';
import { undici } from './undici.js';
import { WarmConnector } from './warm-connector.js';

/** Where a request reports what happened to it. Times come from `nowMs` (performance.now). */
export interface RequestSink {
  nowMs(): number;
  onSent(request: PendingRequest): void;
  onAnswered(request: PendingRequest, body: Buffer | null): void;
  onFailed(request: PendingRequest, error: Error): void;
}

/** The header that carries the service's id for an attempt, as undici hands names over: raw bytes. */
const attemptIdHeader = 'x-attempt-id';

/** One load request in flight, and the handler undici calls back as it progresses. */
export class PendingRequest implements Dispatcher.DispatchHandler {
  readonly sink: RequestSink;
  readonly session: Session;
  readonly step: Step;
  readonly requestId: string;
  readonly intendedMs: number;
  /** When the request was written to a socket; -1 until then. */
  sentMs = -1;
  status = 0;
  /** The answer's `x-attempt-id` (the service's id for this attempt), when it sent one. */
  attemptId: string | null = null;
  #body: Buffer | null = null;
  #chunks: Buffer[] | null = null;

  constructor(sink: RequestSink, session: Session, step: Step, requestId: string, intendedMs: number) {
    this.sink = sink;
    this.session = session;
    this.step = step;
    this.requestId = requestId;
    this.intendedMs = intendedMs;
  }

  // undici calls this as it writes the request to a socket (after any wait for a free connection).
  onConnect(): void {
    this.sentMs = this.sink.nowMs();
    this.sink.onSent(this);
  }

  // Headers come as raw [name, value, ...] buffers: only the one wanted is decoded.
  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers come first and are not the answer.
    if (statusCode < 200) return true;
    this.status = statusCode;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as Buffer;
      if (
        name.length === attemptIdHeader.length &&
        name.toString('latin1').toLowerCase() === attemptIdHeader
      ) {
        this.attemptId = (rawHeaders[i + 1] as Buffer).toString('utf8');
        break;
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#body === null) {
      this.#body = chunk;
    } else {
      this.#chunks ??= [this.#body];
      this.#chunks.push(chunk);
    }
    return true;
  }

  onComplete(): void {
    this.sink.onAnswered(this, this.#chunks === null ? this.#body : Buffer.concat(this.#chunks));
  }

  onError(error: Error): void {
    this.sink.onFailed(this, error);
  }
}

const timeoutErrorCodes = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `timeout` for undici's timeout errors, `connection` for any other failure to get an answer. */
export function failureOf(error: Error): 'timeout' | 'connection' {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && timeoutErrorCodes.has(code) ? 'timeout' : 'connection';
}

/**
 * One undici Pool per target; with several, each buyer sticks to one (by a hash of its user id),
 * so a buyer's purchase goes where its checkout went and N instances share the load without a
 * balancer in front.
 */
export class Sender {
  readonly #pools: readonly Pool[];
  /** One per target: a warm socket must go to the pool of its own target. */
  readonly #connectors: readonly WarmConnector[];
  readonly #targets: readonly string[];
  readonly #connections: number;

  constructor(targets: readonly string[], connections: number, timeoutMs: number) {
    const { Pool } = undici();
    this.#targets = targets;
    this.#connections = connections;
    this.#connectors = targets.map(() => new WarmConnector(timeoutMs));
    this.#pools = targets.map(
      (target, i) =>
        new Pool(target, {
          connections,
          pipelining: 1,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          connect: this.#connectors[i]?.connector,
          keepAliveTimeout: 60_000,
        }),
    );
  }

  /** Opens every connection before the run starts. */
  async warmUp(): Promise<void> {
    await Promise.all(this.#targets.map((target, i) => this.#connectors[i]?.warm(target, this.#connections)));
  }

  send(request: PendingRequest): void {
    const pools = this.#pools;
    const pool = pools.length === 1 ? pools[0] : pools[targetIndexOf(request.session.userId, pools.length)];
    (pool as Pool).dispatch(
      { path: request.step.path, method: 'POST', headers: ['x-request-id', request.requestId] },
      request,
    );
  }

  /** Ends every connection now; requests still in flight fail (and are reported by the caller). */
  async destroy(): Promise<void> {
    for (const connector of this.#connectors) connector.close();
    await Promise.all(this.#pools.map((pool) => pool.destroy()));
  }
}

/** Which of `count` targets a buyer uses: FNV-1a of its user id, so the same buyer always lands on the same one. */
export function targetIndexOf(userId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}
