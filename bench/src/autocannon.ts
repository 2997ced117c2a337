// autocannon, run as its own process with JSON output: the closed-loop maximum the simulator is
// compared with.
import { fileURLToPath } from 'node:url';
import { runProcess, type Started } from './processes.js';
import { repoRelative } from './repo-paths.js';

const autocannonBin = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));

export type AutocannonFigures = Readonly<{
  /** req/s as autocannon prints it (mean of its 1 s samples). */
  rps: number;
  requests: number;
  durationS: number;
  latencyMs: Readonly<{ p50: number; p99: number; max: number }>;
  errors: number;
  timeouts: number;
  non2xx: number;
}>;

export type AutocannonRun = AutocannonFigures & Readonly<{ commandLine: string }>;

/** The part of `autocannon -j` output the bench reads. */
type AutocannonJson = {
  requests: { average: number; total: number };
  duration: number;
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
};

export function parseAutocannonJson(text: string): AutocannonFigures {
  const result = JSON.parse(text.slice(text.indexOf('{'))) as AutocannonJson;
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    durationS: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function runAutocannon({
  url,
  connections,
  durationS,
  cpus,
  onStart,
}: {
  url: string;
  connections: number;
  durationS: number;
  cpus?: string;
  onStart?: (started: Started) => void;
}): Promise<AutocannonRun> {
  const args = ['-c', String(connections), '-d', String(durationS), '-m', 'POST', '-j', url];
  const [command, commandArgs] =
    cpus === undefined ? [autocannonBin, args] : ['taskset', ['-c', cpus, autocannonBin, ...args]];
  const { code, output, tail, commandLine } = await runProcess('autocannon', command, commandArgs, {
    timeoutMs: (durationS + 30) * 1000,
    onStart,
  });
  if (code !== 0) throw new Error(`autocannon exited ${code}:\n${tail}`);
  return { ...parseAutocannonJson(output), commandLine: repoRelative(commandLine) };
}
