// A trivial HTTP server in its own process (so it does not share the simulator's event loop),
// answering every request 200 {}. It records each load request's arrival and can stop answering
// for a while ("stall") on command, for the rate and coordinated-omission tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

// Plain JavaScript run by `node -e`: vitest's TypeScript transform does not reach child processes.
const serverSource = `
const http = require('node:http');
const arrivals = [];
const ids = new Set();
let stalledUntil = 0;
let resettingUntil = 0;
const waiting = [];
const body = '{}';
function answer(response) {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
  response.end(body);
}
const server = http.createServer((request, response) => {
  if (request.url.startsWith('/checkout') || request.url.startsWith('/purchase')) {
    arrivals.push(performance.timeOrigin + performance.now());
    ids.add(request.headers['x-request-id']);
  }
  request.resume();
  if (Date.now() < resettingUntil) request.socket.destroy();
  else if (Date.now() < stalledUntil) waiting.push(response);
  else answer(response);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (message) => {
  if (message.type === 'stall') {
    stalledUntil = Date.now() + message.durationMs;
    setTimeout(() => { for (const response of waiting.splice(0)) answer(response); }, message.durationMs);
  } else if (message.type === 'reset') {
    resettingUntil = Date.now() + message.durationMs;
  } else if (message.type === 'count') {
    process.send({ type: 'count', count: arrivals.length, uniqueIds: ids.size,
      firstMs: arrivals[0] ?? null, lastMs: arrivals[arrivals.length - 1] ?? null });
  } else if (message.type === 'close') {
    process.exit(0);
  }
});
`;

export type Arrivals = Readonly<{
  count: number;
  uniqueIds: number;
  firstMs: number | null;
  lastMs: number | null;
}>;

export type TrivialServer = Readonly<{
  url: string;
  /** Stops answering for `durationMs` (requests wait and are answered afterwards). */
  stall(durationMs: number): void;
  /** Closes the connection of every request for `durationMs` instead of answering. */
  reset(durationMs: number): void;
  arrivals(): Promise<Arrivals>;
  close(): Promise<void>;
}>;

export async function startTrivialServer(): Promise<TrivialServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', serverSource], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [listening] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${listening.port}`,
    stall: (durationMs) => child.send({ type: 'stall', durationMs }),
    reset: (durationMs) => child.send({ type: 'reset', durationMs }),
    arrivals: async () => {
      child.send({ type: 'count' });
      const [arrivals] = (await once(child, 'message')) as [Arrivals];
      return arrivals;
    },
    close: async () => {
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}
