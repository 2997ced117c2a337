// wrk, the closed-loop load generator of the server benchmarks: installed from Debian when
// missing, run with bench/checkout.lua, whose done() prints the figures as one JSON line.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes.mjs';

const checkoutScript = fileURLToPath(new URL('./checkout.lua', import.meta.url));
const installScript = fileURLToPath(new URL('../scripts/install-system-deps.sh', import.meta.url));

export function ensureWrk() {
  try {
    execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', [installScript, 'wrk'], { stdio: 'inherit' });
  }
  return execFileSync('sh', ['-c', 'wrk -v 2>&1 | head -n 1'], { encoding: 'utf8' }).trim();
}

/**
 * Parses wrk's output with the BENCH_JSON line of checkout.lua.
 * Latencies in ms; `non2xx` from wrk's "Non-2xx or 3xx responses" line.
 */
export function parseWrkOutput(text) {
  const jsonLine = text.split('\n').find((line) => line.startsWith('BENCH_JSON '));
  if (jsonLine === undefined) throw new Error(`wrk printed no BENCH_JSON line:\n${text}`);
  const figures = JSON.parse(jsonLine.slice('BENCH_JSON '.length));
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const latencyMs = Object.fromEntries(
    Object.entries(figures.latency_us).map(([key, us]) => [key, us / 1000]),
  );
  const durationS = figures.duration_us / 1e6;
  return {
    requests: figures.requests,
    durationS,
    rps: figures.requests / durationS,
    latencyMs,
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
  onStart,
}) {
  const wrkArgs = ['-t', String(threads), '-c', String(connections), '-d', `${durationS}s`];
  wrkArgs.push('--timeout', '5s', '-s', checkoutScript, url);
  const [command, args] =
    cpus === undefined ? ['wrk', wrkArgs] : ['taskset', ['-c', cpus, 'wrk', ...wrkArgs]];
  const env = {
    BENCH_OFFSET: String(offset),
    BENCH_THREADS: String(threads),
    BENCH_USERS: String(saleSize),
    BENCH_ITEMS: String(saleSize),
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
    commandLine: `${envText} ${commandLine.replace(checkoutScript, 'bench/checkout.lua')}`,
  };
}
