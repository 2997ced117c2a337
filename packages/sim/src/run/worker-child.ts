// Entry point of a --workers child process: runs one share of the schedule as told by its parent
// over IPC, forwards its ticks, and hands back its report.
import { SimError } from '../errors.js';
import { LocalRun } from './engine.js';
import type { ChildMessage, ParentMessage } from './worker-messages.js';

let run: LocalRun | null = null;
let onStart: ((startAtEpochMs: number) => void) | null = null;

function send(message: ChildMessage, then?: () => void): void {
  process.send?.(message, undefined, undefined, then);
}

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
        (report) => send({ type: 'done', report }, () => process.disconnect()),
        (error: unknown) => {
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
