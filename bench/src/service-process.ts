// SEAM: the bench's stand-in for the one service launcher, which @flashsale/cli is to export from
// its public surface (cli/src/run/service.ts). Same name and call as that export, and the part
// of its answer the bench reads; once the cli exports `startServiceProcess`, service.ts imports
// it from '@flashsale/cli' and this file goes. Until then: `flashsale serve` started with the
// bench's own process handling. Like the cli's, it leaves stopping on the way out to its caller.
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
  /** Aborting gives up waiting for the service to listen: it is stopped, and the start rejects. */
  signal?: AbortSignal;
}>;

export type ServiceProcess = Readonly<{
  url: string;
  /** The primary's pid (its workers are its children). */
  pid: number;
  /** SIGTERM (the primary stops its workers gracefully); SIGKILL to the group after `graceMs`. */
  stop: (graceMs: number) => Promise<number | null>;
}>;

/**
 * Starts `flashsale serve` and resolves once it listens (the primary's `listening` log line).
 * Rejects, with the service stopped, if it exits first, does not listen within 60 s, or `signal`
 * aborts.
 */
export async function startServiceProcess({
  serveArgs,
  nodeArgs = [],
  logPath,
  signal,
}: ServiceLaunch): Promise<ServiceProcess> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const started = startProcess(
    'flashsale serve',
    process.execPath,
    [...nodeArgs, flashsaleBin(), 'serve', ...serveArgs],
    { onLine: (line) => log.write(`${line}\n`), isStoppedOnExit: false },
  );
  void started.exited.then(() => log.end());
  // Waits for the listening line, the signal, or the end, whichever comes first; the listener
  // goes with the wait, so a later abort rejects nothing unobserved.
  let rejectAborted: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAborted = reject;
  });
  const onAbort = () => rejectAborted(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  let line: string;
  try {
    line = await Promise.race([
      started.waitForLine((text) => listeningUrlOf(text) !== undefined, startTimeoutMs),
      aborted,
    ]);
  } catch (error) {
    await started.stop(0); // it did not come up: nothing of it is left running
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
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
