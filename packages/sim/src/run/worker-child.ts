// Entry point of a --workers child process: runs one share of the schedule as told by its parent
// over IPC, forwards its ticks, and hands back its report.
import { SimError } from '../errors.js';
import { LocalRun } from './engine.js';
import type { ChildMessage, ParentMessage } from './worker-messages.js';

let run: LocalRun | null = null;
let onStart: ((startAtEpochMs: number) => void) | null = null;
let isFinished = false;

function send(message: ChildMessage, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, undefined, then);
}

// The parent is gone (killed, or its output closed): stop sending now rather than run on unseen
// (a run still waiting for its start starts, and ends, at once).
process.on('disconnect', () => {
  if (isFinished) return;
  process.exitCode = 1;
  run?.stop();
  onStart?.(Date.now());
});

// A terminal's Ctrl-C reaches every process of its group, this one too: the parent decides what
// it means and says `stop` (or goes away, above).
process.on('SIGINT', () => undefined);

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'run':
      run = new LocalRun(message.options, {
        ...message.setup,
        waitForStart: () =>
          new Promise<number>((resolve) => {
            onStart = resolve;
            send({ type: 'ready' });
          }),
      });
      run.on('tick', (tick) => send({ type: 'tick', tick }));
      run.done.then(
        (report) => {
          isFinished = true;
          send({ type: 'done', report }, () => process.disconnect());
        },
        (error: unknown) => {
          isFinished = true;
          const code = error instanceof SimError ? error.code : 'worker_failed';
          send(
            { type: 'failed', code, message: error instanceof Error ? error.message : String(error) },
            () => {
              process.exitCode = 1;
              process.disconnect();
            },
          );
        },
      );
      break;
    case 'start':
      onStart?.(message.startAtEpochMs);
      break;
    case 'stop':
      run?.stop();
      break;
    case 'fault':
      run?.markFault(message.kind, message.detail ?? undefined);
      break;
  }
});
