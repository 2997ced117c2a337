// Benchmark 3: how the group commits of checkout_attempts behaved during the checkout load of
// benchmark 1, from the difference of the two /metrics scrapes around its measured window.

import { batchFigures } from './batches.js';
import type { CheckoutMeasurements, ServiceRound } from './checkout-rounds.js';
import { formatMs, formatRatio } from './format.js';
import type { Sample } from './prometheus.js';
import type { BenchResult } from './results.js';

/** The tables the service group-commits, as its metrics label them. */
export type CommitTable = 'checkout_attempts' | 'purchases';

export type CommitFigures = Readonly<{
  batches: number;
  batches_per_s: number | null;
  rows: number;
  rows_per_round_trip_mean: number | null;
  rows_per_round_trip_p99: number | null;
  commit_ms_mean: number | null;
  commit_ms_p50: number | null;
  commit_ms_p99: number | null;
  /** Share of the window (%) with a flush of this table in flight (one at a time per process). */
  flushing_share: number | null;
}>;

type WorkerCommits = Readonly<{ workers: number }> & CommitFigures;

export type GroupCommitResult = BenchResult<
  Readonly<{
    workers_1: WorkerCommits;
    workers_2: WorkerCommits;
    workers_1_many_connections: Readonly<{ connections: number }> & WorkerCommits;
  }>,
  Readonly<{ name: string; rows_per_round_trip_mean: number }>,
  Readonly<{ load: string; service: string }>
>;

/**
 * Group commits of one table between two scrapes of /metrics `windowS` apart: batches, rows per
 * Postgres round trip and commit time (percentiles estimated from the histogram buckets).
 */
export function commitFigures(
  metricsBefore: readonly Sample[],
  metricsAfter: readonly Sample[],
  table: CommitTable,
  windowS: number,
): CommitFigures {
  const commits = batchFigures(
    metricsBefore,
    metricsAfter,
    {
      size: 'flashsale_group_commit_batch_rows',
      seconds: 'flashsale_group_commit_duration_seconds',
      labels: { table },
    },
    windowS,
  );
  return {
    batches: commits.batches,
    batches_per_s: commits.batches_per_s,
    rows: commits.items,
    rows_per_round_trip_mean: commits.size_mean,
    rows_per_round_trip_p99: commits.size_p99,
    commit_ms_mean: commits.ms_mean,
    commit_ms_p50: commits.ms_p50,
    commit_ms_p99: commits.ms_p99,
    flushing_share: commits.busy_share,
  };
}

const checkoutCommits = (measured: ServiceRound): WorkerCommits => ({
  workers: measured.workers,
  ...commitFigures(
    measured.metricsBefore,
    measured.metricsAfter,
    'checkout_attempts',
    measured.wrk.durationS,
  ),
});

/** From the best round of each service run (the one benchmark 1 reports). */
export function groupCommitResult({ server1, server2, serverMany }: CheckoutMeasurements): GroupCommitResult {
  const one = checkoutCommits(server1.best);
  const two = checkoutCommits(server2.best);
  const many = checkoutCommits(serverMany.best);
  const manyConnections = serverMany.best.connections;
  return {
    id: 'group-commit',
    title: 'Group commit (checkout_attempts, during the checkout load)',
    figures: {
      workers_1: one,
      workers_2: two,
      workers_1_many_connections: { connections: manyConnections, ...many },
    },
    baseline: {
      name: 'one INSERT per attempt (not run: 1 row per round trip by definition)',
      rows_per_round_trip_mean: 1,
    },
    ratio: one.rows_per_round_trip_mean,
    ratio_of: 'rows per Postgres round trip (1 worker) / 1',
    command_lines: { load: server1.best.wrk.commandLine, service: server1.best.commandLine },
    notes: [
      'From /metrics flashsale_group_commit_batch_rows and _duration_seconds{table="checkout_attempts"}, scraped before and after the measured wrk window; p50/p99 are estimated from the histogram buckets (linear within a bucket, as histogram_quantile). flushing_share: the share of the window with a flush in flight (sum of commit times / window; with 2 workers, summed over both). Commit time is measured in the service from flush start to its result, so it includes waiting for the event loop, not only Postgres.',
    ],
    flags: [],
    rows: [
      [
        'rows per round trip, mean (p99), 1 worker',
        `${one.rows_per_round_trip_mean} (${one.rows_per_round_trip_p99})`,
        '1',
        formatRatio(one.rows_per_round_trip_mean),
      ],
      [
        'rows per round trip, mean (p99), 2 workers',
        `${two.rows_per_round_trip_mean} (${two.rows_per_round_trip_p99})`,
        '1',
        formatRatio(two.rows_per_round_trip_mean),
      ],
      [
        'commit mean / p99, 1 worker',
        `${formatMs(one.commit_ms_mean)} / ${formatMs(one.commit_ms_p99)}`,
        '',
        '',
      ],
      [
        'commit mean / p99, 2 workers',
        `${formatMs(two.commit_ms_mean)} / ${formatMs(two.commit_ms_p99)}`,
        '',
        '',
      ],
      ['batches/s, 1 / 2 workers', `${one.batches_per_s} / ${two.batches_per_s}`, '', ''],
      [
        `1 worker, ${manyConnections} connections: rows per trip mean (p99); commit mean`,
        `${many.rows_per_round_trip_mean} (${many.rows_per_round_trip_p99}); ${formatMs(many.commit_ms_mean)}`,
        '1',
        formatRatio(many.rows_per_round_trip_mean),
      ],
    ],
  };
}
