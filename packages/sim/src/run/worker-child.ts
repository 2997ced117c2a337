// Entry point of a --workers child process: runs one share of the schedule (a LocalPart) as told
// by its parent over IPC, forwards its ticks, and hands back its figures as a report.
import { SimError } from '../errors.js';
import { assembleReport } from '../report/json.js';
import { epochNowMs } from './epoch-clock.js';
import { LocalPart } from './local-part.js';
import type { ChildMessage, ParentMessage } from './worker-messages.js';

let part: LocalPart | null = null;
let isFinished = false;

function send(message: ChildMessage, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, undefined, then);
}

// The parent is gone (killed, or its output closed): stop sending now rather than run on unseen
// (a part still waiting for its start starts, and ends, at once).
process.on('disconnect', () => {
  if (isFinished) return;
  process.exitCode = 1;
  part?.stop();
  part?.start(epochNowMs());
});

// A terminal's Ctrl-C reaches every process of its group, this one too: the parent decides what
// it means and says `stop` (or goes away, above).
process.on('SIGINT', () => undefined);

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'run':
      part = new LocalPart(
        message.options,
        { phase: message.phase, sale: Promise.resolve(message.sale) },
        (tick) => send({ type: 'tick', tick }),
      );
      // A part that fails before it is ready says so through `done`.
      part.ready.then(
        () => send({ type: 'ready' }),
        () => undefined,
      );
      part.done.then(
        (figures) => {
          isFinished = true;
          send({ type: 'done', report: assembleReport(figures) }, () => process.disconnect());
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
      part?.start(message.startAtEpochMs);
      break;
    case 'stop':
      part?.stop();
      break;
    case 'fault':
      part?.markFault(message.fault);
      break;
  }
});
