// The messages between a --workers parent and its child processes (over the fork IPC channel).
import type { SimOptions } from '../config/options.js';
import type { SimErrorCode } from '../errors.js';
import type { FaultReport, SimReport } from '../report/types.js';
import type { SimTick } from '../simulation.js';
import type { PartSale } from './part.js';

export type ParentMessage =
  | Readonly<{ type: 'run'; options: SimOptions; phase: number; sale: PartSale }>
  | Readonly<{ type: 'start'; startAtEpochMs: number }>
  | Readonly<{ type: 'stop' }>
  | Readonly<{ type: 'fault'; fault: FaultReport }>;

export type ChildMessage =
  | Readonly<{ type: 'ready' }>
  | Readonly<{ type: 'tick'; tick: SimTick }>
  | Readonly<{ type: 'done'; report: SimReport }>
  | Readonly<{ type: 'failed'; code: SimErrorCode; message: string }>;
