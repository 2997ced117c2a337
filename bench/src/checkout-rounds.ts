// What the checkout benchmark (server-checkout.ts) measures, round by round, and hands to those
// that make results of it: its own (checkout-result.ts), group commit's and memory's.
import type { ServiceGroup } from './cpu-split.js';
import type { ProcessUsage } from './proc-stats.js';
import type { Sample } from './prometheus.js';
import type { WrkRun } from './wrk.js';

/** One measured wrk run against the service, between two row counts and two /metrics scrapes. */
export type ServiceRound = Readonly<{
  workers: number;
  connections: number;
  primaryPid: number;
  wrk: WrkRun;
  rowsWritten: number;
  /** The measured run's buyers and items repeat earlier runs' (the sale's request numbers wrapped). */
  repeatsEarlier: boolean;
  metricsBefore: readonly Sample[];
  metricsAfter: readonly Sample[];
  usage: ProcessUsage<ServiceGroup>;
  commandLine: string;
}>;

/** One measured wrk run against the bare server. */
export type BareRound = Readonly<{
  workers: number;
  wrk: WrkRun;
  usage: ProcessUsage<'server' | 'load_generator'>;
  commandLine: string;
  name: string;
}>;

export type Rounds<Round> = Readonly<{ rounds: readonly Round[]; best: Round }>;

export type CheckoutMeasurements = Readonly<{
  server1: Rounds<ServiceRound>;
  server2: Rounds<ServiceRound>;
  bare1: Rounds<BareRound>;
  bare2: Rounds<BareRound>;
  serverMany: Rounds<ServiceRound>;
  bareMany: Rounds<BareRound>;
}>;
