// Seconds and counts of each mode of `pnpm bench`: quick takes about 3 minutes on a slow 2-core box,
// full about 11.
// They go into the results as written (camelCase keys), beside the sale's size.

export type BenchMode = 'full' | 'quick';

export type BenchSettings = Readonly<{
  rounds: number;
  warmUpS: number;
  measureS: number;
  connections: number;
  manyConnections: number;
  stepS: number;
  searchRuns: number;
  lateSearchRuns: number;
  /** Runs of undici's floor, open loop, searching its own maximum on schedule from the simulator's. */
  floorSearchRuns: number;
  simulatorStartRps: number;
  memoryRps: number;
  memoryS: number;
  /** The rate of the rollover benchmark's load across a sale's opening. */
  rolloverRps: number;
  /** wrk connections in all against 1, 2 and 3 instances: a multiple of each count. */
  instancesConnections: number;
}>;

export const settingsByMode: Readonly<Record<BenchMode, BenchSettings>> = {
  full: {
    rounds: 2,
    warmUpS: 3,
    measureS: 10,
    connections: 50,
    manyConnections: 200,
    stepS: 8,
    searchRuns: 6,
    lateSearchRuns: 3,
    floorSearchRuns: 4,
    simulatorStartRps: 4000,
    memoryRps: 4000,
    memoryS: 15,
    rolloverRps: 800,
    instancesConnections: 60,
  },
  quick: {
    rounds: 1,
    warmUpS: 1,
    measureS: 3,
    connections: 50,
    manyConnections: 200,
    stepS: 4,
    searchRuns: 2,
    lateSearchRuns: 0,
    floorSearchRuns: 1,
    simulatorStartRps: 4000,
    memoryRps: 3000,
    memoryS: 3,
    rolloverRps: 400,
    instancesConnections: 60,
  },
};

/** Items in the bench's sale: every wrk run meets new buyers and items (see checkout.lua). */
export const benchSaleSize = 1_000_000;
