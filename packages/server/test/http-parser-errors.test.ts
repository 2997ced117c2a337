// What node:http's parser refuses (an oversized URL or header block, malformed HTTP, a client too
// slow to send its request) is answered like every other error: JSON with its content type and
// length, counted in /metrics under the route `other`. A request body of any kind is refused
// with 413 saying bodies are not accepted. Everything here goes over raw sockets.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../src/http/server.js';
import { createLogger } from '../src/observe/log.js';
import { createMetrics } from '../src/observe/metrics.js';
import { createWorld, type World } from './support/server.js';

type RawAnswer = { status: number; headers: Map<string, string>; body: string };

/** Writes `request` as given, then reads until the server closes the connection. */
function sendRaw(port: number, request: string | readonly string[]): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    for (const part of typeof request === 'string' ? [request] : request) socket.write(part);
  });
}

function expectJsonError(answer: RawAnswer, status: number, error: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('application/json');
  expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.body));
  const body = JSON.parse(answer.body) as { error: string; message: string };
  expect(body.error).toBe(error);
  expect(body.message.length).toBeGreaterThan(0);
}

/** flashsale_http_requests_total{route="other",outcome=...} from a /metrics text. */
function otherCount(metricsText: string, outcome: string): number {
  const line = metricsText
    .split('\n')
    .find((l) => l.startsWith(`flashsale_http_requests_total{route="other",outcome="${outcome}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('errors of the HTTP parser', () => {
  let world: World;
  let port: number;
  beforeAll(async () => {
    world = await createWorld();
    port = world.server.port;
  });
  afterAll(() => world.close());

  const metricsText = async () => (await fetch(`${world.url}/metrics`)).text();

  it.each([
    [
      'a 100 KB URL',
      () => `POST /checkout?user_id=${'u'.repeat(100_000)}&id=1 HTTP/1.1\r\nhost: x\r\n\r\n`,
      'larger than',
    ],
    [
      'a header block over 16 KB',
      () =>
        `GET /sale HTTP/1.1\r\nhost: x\r\n${Array.from({ length: 400 }, (_, i) => `x-flood-${i}: ${'v'.repeat(50)}\r\n`).join('')}\r\n`,
      'larger than',
    ],
    ['a malformed request line', () => 'GARBAGE\r\n\r\n', 'malformed'],
    [
      'an invalid content-length',
      () => 'POST /checkout HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n',
      'malformed',
    ],
  ])('%s answers 400 invalid_request as JSON and is counted', async (_name, request, message) => {
    const before = otherCount(await metricsText(), 'invalid_request');
    const answer = await sendRaw(port, request());
    expectJsonError(answer, 400, 'invalid_request');
    expect(JSON.parse(answer.body).message).toContain(message);
    expect(answer.headers.get('connection')).toBe('close');
    expect(otherCount(await metricsText(), 'invalid_request')).toBe(before + 1);
  });

  it.each([
    ['a chunked 5-byte body', 'transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['a 5-byte body with content-length', 'content-length: 5\r\n\r\nhello'],
  ])('%s answers 413 saying request bodies are not accepted', async (_name, rest) => {
    const answer = await sendRaw(port, `POST /checkout?user_id=body&id=3 HTTP/1.1\r\nhost: x\r\n${rest}`);
    expectJsonError(answer, 413, 'payload_too_large');
    expect(JSON.parse(answer.body).message).toContain('request bodies are not accepted');
  });

  it('a POST with content-length 0 is no body and is served', async () => {
    const answer = await sendRaw(
      port,
      'POST /checkout?user_id=nobody&id=4 HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(200);
  });
});

describe('a client too slow to send its request', () => {
  let http: HttpServer;
  let metrics: ReturnType<typeof createMetrics>;
  beforeAll(async () => {
    metrics = createMetrics();
    // No routes: the request never gets as far as one.
    http = createHttpServer(new Map(), metrics, createLogger('silent'), {
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      checkIntervalMs: 50,
    });
    await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => http.close(0));

  it('answers 408 request_timeout as JSON and is counted', async () => {
    const { port } = http.server.address() as { port: number };
    // Half a request line, then nothing: the server gives up on it.
    const answer = await sendRaw(port, 'GET /sale HTTP/1.1\r\nhost: x\r\n');
    expectJsonError(answer, 408, 'request_timeout');
    const counted = await metrics.registry.getSingleMetricAsString('flashsale_http_requests_total');
    expect(otherCount(counted, 'request_timeout')).toBe(1);
  });
});
