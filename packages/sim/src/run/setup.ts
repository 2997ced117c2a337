// How a run is placed: alone, or as one worker among several that a parent process coordinates.
import type { SaleSnapshot } from '@flashsale/protocol';

export type SaleSetup = Readonly<{ snapshot: SaleSnapshot | null }>;

export type RunSetup = Readonly<{
  /** Offset of this process's slots, as a share of its slot interval (worker w of W: w / W). */
  phase: number;
  ledgerMode: 'truncate' | 'append';
  /** The sale as the parent read it; null: read GET /sale here. */
  sale: SaleSetup | null;
  /** Whether this process watches GET /sale (the parent does it for its workers). */
  mayWatchSale: boolean;
  /** Resolves to the epoch ms at which to start, once the caller says go; null: start when ready. */
  waitForStart: (() => Promise<number>) | null;
}>;

export const standaloneSetup: RunSetup = {
  phase: 0,
  ledgerMode: 'truncate',
  sale: null,
  mayWatchSale: true,
  waitForStart: null,
};
