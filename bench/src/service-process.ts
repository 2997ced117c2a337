// SEAM: the bench's stand-in for the one service launcher, which @flashsale/cli is to export from
// its public surface (cli/src/run/service.ts). This file has the signature the bench needs from
// it; once the cli exports `startServiceProcess`, service.ts imports it from '@flashsale/cli' and
// this file goes. Until then: `flashsale serve` started with the bench's own process handling,
// so it stops with everything else on a failure or Ctrl-C.
import { createWriteStream } from 'node:fs';
import { flashsaleBin } from './flashsale-command.js';
import { startProcess } from './processes.js';

const startTimeoutMs = 60_000;

export type ServiceLaunch = Readonly<{
  /** Flags after `flashsale serve`. */
  serveArgs: readonly string[];
  /** Node's own flags, before the script (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** The service's stdout and stderr are appended here. */
  logPath: string;
}>;

export type ServiceProcess = Readonly<{
  url: string;
  /** The primary's pid (its workers are its children). */
  pid: number;
  /** SIGTERM (the primary stops its workers gracefully); SIGKILL to the group after `graceMs`. */
  stop: (graceMs: number) => Promise<number | null>;
}>;

/** Starts `flashsale serve` and resolves once it listens (the primary's `listening` log line). */
export async function startServiceProcess({
  serveArgs,
  nodeArgs = [],
  logPath,
}: ServiceLaunch): Promise<ServiceProcess> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const started = startProcess(
    'flashsale serve',
    process.execPath,
    [...nodeArgs, flashsaleBin(), 'serve', ...serveArgs],
    { onLine: (line) => log.write(`${line}\n`) },
  );
  void started.exited.then(() => log.end());
  const line = await started.waitForLine((text) => listeningUrlOf(text) !== undefined, startTimeoutMs);
  return {
    url: listeningUrlOf(line) ?? '',
    pid: started.pid,
    async stop(graceMs) {
      await started.stop(graceMs);
      return (await started.exited).code;
    },
  };
}

function listeningUrlOf(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as { event?: unknown; url?: unknown };
    return entry.event === 'listening' && typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined; // not a log line of ours
  }
}
