// autocannon (a root devDependency), run as its own process with JSON output: the closed-loop
// maximum the simulator is compared with.
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes.mjs';

const autocannonBin = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));

/** Figures of `autocannon -j` output: req/s as autocannon prints it (mean of its 1 s samples). */
export function parseAutocannonJson(text) {
  const result = JSON.parse(text.slice(text.indexOf('{')));
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

export async function runAutocannon({ url, connections, durationS, cpus, onStart }) {
  const args = ['-c', String(connections), '-d', String(durationS), '-m', 'POST', '-j', url];
  const [command, commandArgs] =
    cpus === undefined ? [autocannonBin, args] : ['taskset', ['-c', cpus, autocannonBin, ...args]];
  const { code, output, tail, commandLine } = await runProcess('autocannon', command, commandArgs, {
    timeoutMs: (durationS + 30) * 1000,
    onStart,
  });
  if (code !== 0) throw new Error(`autocannon exited ${code}:\n${tail}`);
  return {
    ...parseAutocannonJson(output),
    commandLine: commandLine.replace(autocannonBin, 'node_modules/.bin/autocannon'),
  };
}
