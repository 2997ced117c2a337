// One --workers child process running its share of the schedule (a LocalPart there), seen from
// the parent as a part like any other, over the fork IPC channel. Its report crosses the channel
// in the file shape (histograms encoded) and is read back into figures here.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimOptions } from '../config/options.js';
import { SimError } from '../errors.js';
import { partsFromReport } from '../report/json.js';
import type { ReportParts } from '../report/parts.js';
import type { FaultReport } from '../report/types.js';
import type { PartSetup, SchedulePart, TickListener } from './part.js';
import type { ChildMessage, ParentMessage } from './worker-messages.js';

const childEntry = fileURLToPath(new URL('./worker-child.js', import.meta.url));

export class WorkerPart implements SchedulePart {
  /** Between "go" and the common start, so every child wakes for its first slot on time. */
  readonly startLeadMs = 100;
  readonly ready: Promise<void>;
  readonly done: Promise<ReportParts>;
  readonly #child: ChildProcess;
  #isRunning = true;

  constructor(index: number, options: SimOptions, setup: PartSetup, onTick: TickListener) {
    const child = fork(childEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child = child;
    this.ready = whenReady(child);
    this.done = new Promise<ReportParts>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'tick') onTick(message.tick);
        else if (message.type === 'done') {
          this.#isRunning = false;
          resolve(partsFromReport(message.report));
        } else if (message.type === 'failed') {
          reject(new SimError(message.code, `worker ${index}: ${message.message}`));
        }
      });
      child.on('exit', (code, signal) => {
        if (!this.#isRunning) return;
        this.#isRunning = false;
        reject(
          new SimError(
            'worker_failed',
            `worker ${index} exited (${signal ?? `code ${code}`}) before its report`,
          ),
        );
      });
    });
    // Either may go unawaited when another part fails first.
    this.ready.catch(() => undefined);
    this.done.catch(() => undefined);
    // The child boots while the engine reads the sale; it warms up once told what to run.
    setup.sale.then(
      (sale) => this.#send({ type: 'run', options, phase: setup.phase, sale }),
      () => this.abort(),
    );
  }

  start(startAtEpochMs: number): void {
    this.#send({ type: 'start', startAtEpochMs });
  }

  stop(): void {
    this.#send({ type: 'stop' });
  }

  markFault(fault: FaultReport): void {
    this.#send({ type: 'fault', fault });
  }

  async abort(): Promise<void> {
    if (this.#isRunning) this.#child.kill();
  }

  #send(message: ParentMessage): void {
    if (this.#isRunning) this.#child.send(message);
  }
}

function whenReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'ready') {
        child.off('message', onMessage);
        resolve();
      } else if (message.type === 'failed') reject(new SimError(message.code, message.message));
    };
    child.on('message', onMessage);
    child.once('exit', () => reject(new SimError('worker_failed', 'a worker exited before it was ready')));
  });
}
