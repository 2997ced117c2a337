// wrk, the closed-loop load generator of the server benchmarks: installed from Debian when
// missing, run with bench/checkout.lua, whose done() prints the figures as one JSON line.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProcess, type Started } from './processes.js';
import { repoRelative } from './repo-paths.js';

const checkoutScript = fileURLToPath(new URL('../checkout.lua', import.meta.url));
const installScript = fileURLToPath(new URL('../../scripts/install-system-deps.sh', import.meta.url));

export type SocketErrors = Readonly<{ connect: number; read: number; write: number; timeout: number }>;

/** Figures of one wrk run; latencies in ms. */
export type WrkFigures = Readonly<{
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: Readonly<{ p50: number; p90: number; p99: number; p999: number; max: number; mean: number }>;
  non2xx: number;
  socketErrors: SocketErrors;
  /** The request number after the last one sent: where the next run against the sale starts. */
  nextOffset: number;
}>;

export type WrkRun = WrkFigures & Readonly<{ connections: number; commandLine: string }>;

export type WrkOptions = Readonly<{
  url: string;
  threads?: number;
  connections: number;
  durationS: number;
  /** The first request number (see checkout.lua). */
  offset?: number;
  saleSize: number;
  /** taskset's CPU list, e.g. '0'; unpinned when absent. */
  cpus?: string;
  /**
   * Several services (host:port) to load instead of `url`'s alone: thread i sends to target i mod
   * their count (checkout.lua), so `threads` should be a multiple of it.
   */
  targets?: readonly string[];
  onStart?: (started: Started) => void;
}>;

/** The JSON line checkout.lua's done() prints after BENCH_JSON. */
type CheckoutLuaFigures = {
  requests: number;
  duration_us: number;
  connect_errors: number;
  read_errors: number;
  write_errors: number;
  timeouts: number;
  latency_us: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  next_offset: number;
};

export function ensureWrk(): string {
  try {
    execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', [installScript, 'wrk'], { stdio: 'inherit' }); // not installed yet
  }
  return execFileSync('sh', ['-c', 'wrk -v 2>&1 | head -n 1'], { encoding: 'utf8' }).trim();
}

/**
 * Parses wrk's output with the BENCH_JSON line of checkout.lua.
 * Latencies in ms; `non2xx` from wrk's "Non-2xx or 3xx responses" line.
 */
export function parseWrkOutput(text: string): WrkFigures {
  const jsonLine = text.split('\n').find((line) => line.startsWith('BENCH_JSON '));
  if (jsonLine === undefined) throw new Error(`wrk printed no BENCH_JSON line:\n${text}`);
  const figures = JSON.parse(jsonLine.slice('BENCH_JSON '.length)) as CheckoutLuaFigures;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const { p50, p90, p99, p999, max, mean } = figures.latency_us;
  const durationS = figures.duration_us / 1e6;
  return {
    requests: figures.requests,
    durationS,
    rps: figures.requests / durationS,
    latencyMs: {
      p50: p50 / 1000,
      p90: p90 / 1000,
      p99: p99 / 1000,
      p999: p999 / 1000,
      max: max / 1000,
      mean: mean / 1000,
    },
    non2xx,
    socketErrors: {
      connect: figures.connect_errors,
      read: figures.read_errors,
      write: figures.write_errors,
      timeout: figures.timeouts,
    },
    nextOffset: figures.next_offset,
  };
}

/**
 * One wrk run of checkouts. `offset` is the first request number (see checkout.lua), so
 * consecutive runs against one sale meet new buyers and items.
 */
export async function runWrk({
  url,
  threads = 1,
  connections,
  durationS,
  offset = 0,
  saleSize,
  cpus,
  targets = [],
  onStart,
}: WrkOptions): Promise<WrkRun> {
  const wrkArgs = ['-t', String(threads), '-c', String(connections), '-d', `${durationS}s`];
  wrkArgs.push('--timeout', '5s', '-s', checkoutScript, url);
  const [command, args] =
    cpus === undefined ? ['wrk', wrkArgs] : ['taskset', ['-c', cpus, 'wrk', ...wrkArgs]];
  const env = {
    BENCH_OFFSET: String(offset),
    BENCH_THREADS: String(threads),
    BENCH_USERS: String(saleSize),
    BENCH_ITEMS: String(saleSize),
    ...(targets.length > 0 ? { BENCH_TARGETS: targets.join(',') } : {}),
  };
  const { code, output, tail, commandLine } = await runProcess('wrk', command, args, {
    env,
    timeoutMs: (durationS + 30) * 1000,
    onStart,
  });
  if (code !== 0) throw new Error(`wrk exited ${code}:\n${tail}`);
  const envText = Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return {
    ...parseWrkOutput(output),
    connections,
    commandLine: `${envText} ${repoRelative(commandLine)}`,
  };
}
