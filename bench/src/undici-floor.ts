// undici's own floor: the least a load generator built on undici can spend per request. One Pool
// (the simulator's settings: N keep-alive connections, no pipelining) and a loop that only
// dispatches, with a handler that notes when the request went out and drops the answer's body.
// No buyers, no answer reading, no histograms, no ledger: what the simulator spends above this
// is its own. Run as its own process (so its CPU can be read from /proc):
//   node bench/dist/undici-floor.js --url URL --connections 100 --duration 8 --rps 20000
//   node bench/dist/undici-floor.js --url URL --connections 100 --duration 8 --closed
// Open loop (--rps): one timer fills every slot whose time has come, as the simulator's loop does;
// a request written more than 10 ms after its slot is late. Closed loop (--closed): each of the
// connections sends its next request as soon as the last is answered, as autocannon does.
// It prints one JSON line (FloorFigures) when done.
import { parseArgs } from 'node:util';
import { type Dispatcher, Pool } from 'undici';
import { type FloorFigures, steadyAfterS } from './floor.js';

const lateAfterMs = 10;
// The simulator's checkout, as autocannon sends it in the same benchmark; the header as the
// simulator sends one on every request.
const path = '/checkout?user_id=u1&id=1';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '8' },
    rps: { type: 'string' },
    closed: { type: 'boolean', default: false },
    handler: { type: 'string', default: 'raw' },
  },
});
const url = values.url ?? '';
const connections = Number(values.connections);
const durationMs = Number(values.duration) * 1000;
const targetRps = values.rps === undefined ? null : Number(values.rps);
if (url === '' || !(connections > 0) || !(durationMs > 0) || (!values.closed && !(Number(targetRps) > 0))) {
  console.error('usage: undici-floor --url URL [--connections N] [--duration S] (--rps N | --closed)');
  process.exit(2);
}

const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
let sequence = 0;
let sent = 0;
let late = 0;
let answered = 0;
let errors = 0;
let non2xx = 0;
let isOver = false;
let inFlight = 0;
let onDrained: () => void = () => undefined;
let steadyFromMs = Number.POSITIVE_INFINITY;
let steadyRequests = 0;
// Open loop: the slots of the steady seconds, sent and sent late, as the simulator's verdict counts them.
let steadySent = 0;
let steadyLate = 0;
let endedAtMs = 0;

/**
 * One request: when it was meant to go, and what to do once it is answered. It speaks undici's
 * own handler interface (onConnect … onComplete), the one its client calls: a handler of the newer
 * interface (onRequestStart …) is wrapped per request, with its headers parsed into an object.
 */
class FloorRequest implements Dispatcher.DispatchHandler {
  readonly intendedMs: number;
  constructor(intendedMs: number) {
    this.intendedMs = intendedMs;
  }
  onConnect(): void {
    noteSent(this.intendedMs);
  }
  onHeaders(statusCode: number): boolean {
    if (statusCode < 200 || statusCode >= 300) non2xx += 1;
    return true;
  }
  onData(): boolean {
    return true;
  }
  onComplete(): void {
    answered += 1;
    settle();
  }
  onError(): void {
    errors += 1;
    settle();
  }
}

/** Counts a request written, late if more than 10 ms after its slot, in the steady seconds or not. */
function noteSent(intendedMs: number): void {
  const isLate = performance.now() - intendedMs > lateAfterMs;
  sent += 1;
  if (isLate) late += 1;
  if (intendedMs >= steadyFromMs) {
    steadySent += 1;
    if (isLate) steadyLate += 1;
  }
}

/** Counts an answer of the steady window, then sends the next (closed loop) or ends the run. */
function settle(): void {
  if (!isOver && performance.now() >= steadyFromMs) steadyRequests += 1;
  inFlight -= 1;
  if (values.closed && !isOver) send(performance.now());
  else if (isOver && inFlight === 0) onDrained();
}

/** The same, through the newer interface (undici wraps it): `--handler wrapped`. */
class WrappedFloorRequest implements Dispatcher.DispatchHandler {
  readonly intendedMs: number;
  constructor(intendedMs: number) {
    this.intendedMs = intendedMs;
  }
  onRequestStart(): void {
    noteSent(this.intendedMs);
  }
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode < 200 || statusCode >= 300) non2xx += 1;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    answered += 1;
    settle();
  }
  onResponseError(): void {
    errors += 1;
    settle();
  }
}
const Handler = values.handler === 'wrapped' ? WrappedFloorRequest : FloorRequest;

function send(intendedMs: number): void {
  inFlight += 1;
  pool.dispatch(
    { path, method: 'POST', headers: ['x-request-id', `floor-${sequence++}`] },
    new Handler(intendedMs),
  );
}

/** Sends every slot of the schedule, then ends the run once the last answer is in. */
function runOpenLoop(startMs: number, rps: number, onOver: () => void): void {
  const slots = Math.ceil((durationMs * rps) / 1000);
  let slot = 0;
  const wake = () => {
    const nowMs = performance.now();
    for (; slot < slots; slot++) {
      const intendedMs = startMs + (slot * 1000) / rps;
      if (intendedMs > nowMs) break;
      send(intendedMs);
    }
    if (slot < slots) setTimeout(wake, Math.max(0, startMs + (slot * 1000) / rps - nowMs));
    else onOver();
  };
  wake();
}

/** Ends the run: nothing more is sent, and `resolve` is called once nothing is in flight. */
function endRun(resolve: () => void): void {
  isOver = true;
  endedAtMs = performance.timeOrigin + performance.now();
  onDrained = resolve;
  if (inFlight === 0) resolve();
}

// The connections open before the clock starts, as the simulator's do.
await Promise.all(
  Array.from(
    { length: connections },
    () =>
      new Promise<void>((resolve) => {
        pool.dispatch(
          { path: '/health', method: 'GET' },
          {
            onConnect() {},
            onHeaders: () => true,
            onData: () => true,
            onComplete: () => resolve(),
            onError: () => resolve(),
          },
        );
      }),
  ),
);
const startMs = performance.now();
steadyFromMs = startMs + steadyAfterS * 1000;
await new Promise<void>((resolve) => {
  if (!values.closed) {
    runOpenLoop(startMs, targetRps as number, () => endRun(resolve));
    return;
  }
  for (let i = 0; i < connections; i++) send(startMs);
  setTimeout(() => endRun(resolve), durationMs);
});
const elapsedS = (performance.now() - startMs) / 1000;
await pool.close();
const figures: FloorFigures = {
  mode: values.closed ? 'closed' : 'open',
  target_rps: values.closed ? null : targetRps,
  requests: answered + errors,
  sent,
  late,
  errors,
  non2xx,
  duration_s: Math.round(elapsedS * 1000) / 1000,
  rps: Math.round((answered / elapsedS) * 10) / 10,
  started_at_ms: Math.round(performance.timeOrigin + startMs),
  ended_at_ms: Math.round(endedAtMs),
  steady_requests: steadyRequests,
  steady_sent: values.closed ? 0 : steadySent,
  steady_late: values.closed ? 0 : steadyLate,
};
console.log(JSON.stringify(figures));
