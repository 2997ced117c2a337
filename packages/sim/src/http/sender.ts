// Sends load requests through one undici Pool (`--connections` keep-alive sockets, no
// pipelining). Each request is its own dispatch handler, so no promise, stream or closure is made
// per request. undici is loaded on first use, so importing the package stays cheap.
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
  /** The service's own id of a checkout attempt (`x-attempt-id`), unique where request ids need not be. */
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
  onRequestStart(): void {
    this.sentMs = this.sink.nowMs();
    this.sink.onSent(this);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const attemptId = headers['x-attempt-id'];
    if (typeof attemptId === 'string') this.attemptId = attemptId;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#body === null) {
      this.#body = chunk;
    } else {
      this.#chunks ??= [this.#body];
      this.#chunks.push(chunk);
    }
  }

  onResponseEnd(): void {
    this.sink.onAnswered(this, this.#chunks === null ? this.#body : Buffer.concat(this.#chunks));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
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

export class Sender {
  readonly #pool: Pool;
  readonly #connector: WarmConnector;
  readonly #target: string;
  readonly #connections: number;

  constructor(target: string, connections: number, timeoutMs: number) {
    const { Pool } = undici();
    this.#target = target;
    this.#connections = connections;
    this.#connector = new WarmConnector(timeoutMs);
    this.#pool = new Pool(target, {
      connections,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: this.#connector.connector,
      keepAliveTimeout: 60_000,
    });
  }

  /** Opens every connection before the run starts. */
  async warmUp(): Promise<void> {
    await this.#connector.warm(this.#target, this.#connections);
  }

  send(request: PendingRequest): void {
    this.#pool.dispatch(
      { path: request.step.path, method: 'POST', headers: ['x-request-id', request.requestId] },
      request,
    );
  }

  /** Ends every connection now; requests still in flight fail (and are reported by the caller). */
  async destroy(): Promise<void> {
    this.#connector.close();
    await this.#pool.destroy();
  }
}
