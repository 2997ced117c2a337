// The messages between a --workers parent and its child processes (over the fork IPC channel).
import type { SimOptions } from '../config/options.js';
import type { SimErrorCode } from '../errors.js';
import type { SimReport } from '../report/types.js';
import type { SimTick } from '../simulation.js';
import type { RunSetup } from './setup.js';

/** A worker's setup, minus what cannot cross a process boundary. */
export type WorkerSetup = Omit<RunSetup, 'waitForStart'>;

export type ParentMessage =
  | Readonly<{ type: 'run'; options: SimOptions; setup: WorkerSetup }>
  | Readonly<{ type: 'start'; startAtEpochMs: number }>
  | Readonly<{ type: 'stop' }>
  | Readonly<{ type: 'fault'; kind: string; detail: string | null }>;

export type ChildMessage =
  | Readonly<{ type: 'ready' }>
  | Readonly<{ type: 'tick'; tick: SimTick }>
  | Readonly<{ type: 'done'; report: SimReport }>
  | Readonly<{ type: 'failed'; code: SimErrorCode; message: string }>;
