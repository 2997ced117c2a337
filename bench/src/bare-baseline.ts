// Starts and stops bare-server.ts, the node:http baseline (one process, or N under node:cluster),
// optionally pinned to some CPUs with taskset.
import { fileURLToPath } from 'node:url';
import { type Started, startProcess } from './processes.js';
import { repoRelative } from './repo-paths.js';

// From the build (also when this module is loaded from its source, as the tests do).
const bareServerPath = fileURLToPath(new URL('../dist/bare-server.js', import.meta.url));

export type BareServer = Readonly<{ url: string; process: Started; commandLine: string }>;

export async function startBareServer({
  workers = 1,
  cpus,
}: {
  workers?: number;
  cpus?: string;
} = {}): Promise<BareServer> {
  const args = [bareServerPath, '--port', '0', '--workers', String(workers)];
  const [command, commandArgs] =
    cpus === undefined ? [process.execPath, args] : ['taskset', ['-c', cpus, process.execPath, ...args]];
  const started = startProcess(`bare node:http x${workers}`, command, commandArgs);
  const line = await started.waitForLine((text) => text.startsWith('{"event":"listening"'), 15_000);
  return {
    url: (JSON.parse(line) as { url: string }).url,
    process: started,
    commandLine: `${cpus === undefined ? '' : `taskset -c ${cpus} `}node ${repoRelative(bareServerPath)} --workers ${workers}`,
  };
}
