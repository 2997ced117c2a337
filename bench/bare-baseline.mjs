// Starts and stops bench/bare-server.mjs, the node:http baseline (one process, or N under
// node:cluster), optionally pinned to some CPUs with taskset.
import { fileURLToPath } from 'node:url';
import { startProcess } from './processes.mjs';

const bareServerPath = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));

export async function startBareServer({ workers = 1, cpus } = {}) {
  const args = [bareServerPath, '--port', '0', '--workers', String(workers)];
  const [command, commandArgs] =
    cpus === undefined ? [process.execPath, args] : ['taskset', ['-c', cpus, process.execPath, ...args]];
  const started = startProcess(`bare node:http x${workers}`, command, commandArgs);
  const line = await started.waitForLine((text) => text.startsWith('{"event":"listening"'), 15_000);
  return {
    url: JSON.parse(line).url,
    process: started,
    commandLine: `${cpus === undefined ? '' : `taskset -c ${cpus} `}node bench/bare-server.mjs --workers ${workers}`,
  };
}
