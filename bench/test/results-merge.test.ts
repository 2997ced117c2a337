import { describe, expect, it } from 'vitest';
import type { ResultEnvelope, ResultsDocument } from '../src/results.js';
import { benchmarkOfResult, mergeResults } from '../src/results-merge.js';

type Document = ResultsDocument<ResultEnvelope>;

const result = (id: string, machineDate: string) => ({
  id,
  title: id,
  ratio: 1,
  ratio_of: 'a / b',
  notes: [],
  flags: [],
  rows: [],
  machine: { date: machineDate } as Document['machine'],
});

const documentOf = (command: string, startedAt: string, ids: readonly string[], date: string): Document =>
  ({
    format: 'flashsale-bench@1',
    mode: 'full',
    command,
    started_at: startedAt,
    finished_at: startedAt,
    duration_s: 10,
    machine: { date } as Document['machine'],
    settings: { rounds: 2 } as Document['settings'],
    benchmarks: ids.map((id) => result(id, date)),
  }) as Document;

const fullRun = documentOf(
  'pnpm bench',
  '2026-11-30T18:00:00Z',
  [
    'server-checkout-1-worker',
    'group-commit',
    'server-full-flow',
    'simulator',
    'memory',
    'rollover',
    'instances-1',
    'instances-2',
    'instances-3',
  ],
  'full',
);

describe('pnpm bench --only into an existing results file', () => {
  it('knows which benchmark wrote each result', () => {
    expect(benchmarkOfResult('server-checkout-2-workers')).toBe('checkout');
    expect(benchmarkOfResult('group-commit')).toBe('checkout');
    expect(benchmarkOfResult('server-full-flow')).toBe('full-flow');
    expect(benchmarkOfResult('instances-3')).toBe('instances');
    expect(benchmarkOfResult('rollover')).toBe('rollover');
    expect(benchmarkOfResult('gone')).toBeUndefined();
  });

  it('replaces the results of the benchmarks it ran and keeps every other, in the usual order', () => {
    const only = documentOf(
      'pnpm bench --only instances',
      '2026-11-30T20:00:00Z',
      ['instances-1', 'instances-2'],
      'later',
    );
    const merged = mergeResults(fullRun, only, ['instances']);
    expect(merged.benchmarks.map((r) => [r.id, r.machine.date])).toEqual([
      ['server-checkout-1-worker', 'full'],
      ['group-commit', 'full'],
      ['server-full-flow', 'full'],
      ['simulator', 'full'],
      ['memory', 'full'],
      ['rollover', 'full'],
      ['instances-1', 'later'],
      ['instances-2', 'later'], // instances-3 of the old run is not kept beside a newer run
    ]);
    expect(merged.command).toBe('pnpm bench');
    expect(merged.started_at).toBe('2026-11-30T18:00:00Z');
    expect(merged.merged_runs).toEqual([
      {
        command: 'pnpm bench --only instances',
        started_at: '2026-11-30T20:00:00Z',
        finished_at: '2026-11-30T20:00:00Z',
        duration_s: 10,
        results: ['instances-1', 'instances-2'],
      },
    ]);
  });

  it('drops an earlier merged run once all its results are replaced again, keeps one that still has some', () => {
    const instances = documentOf('pnpm bench --only instances', 't1', ['instances-1'], 'i');
    const checkout = documentOf('pnpm bench --only checkout', 't2', ['server-checkout-1-worker'], 'c');
    const twice = mergeResults(mergeResults(fullRun, instances, ['instances']), checkout, ['checkout']);
    expect(twice.merged_runs?.map((run) => run.command)).toEqual([
      'pnpm bench --only instances',
      'pnpm bench --only checkout',
    ]);
    const again = mergeResults(twice, documentOf('pnpm bench --only instances', 't3', ['instances-1'], 'j'), [
      'instances',
    ]);
    expect(again.merged_runs?.map((run) => [run.command, run.started_at])).toEqual([
      ['pnpm bench --only checkout', 't2'],
      ['pnpm bench --only instances', 't3'],
    ]);
    // group-commit was not rewritten by the checkout run: it is gone, as the run dropped it
    expect(again.benchmarks.map((r) => r.id)).toEqual([
      'server-checkout-1-worker',
      'server-full-flow',
      'simulator',
      'memory',
      'rollover',
      'instances-1',
    ]);
  });

  it('keeps a result of no known benchmark at the end', () => {
    const withUnknown = { ...fullRun, benchmarks: [result('retired', 'old'), ...fullRun.benchmarks] };
    const merged = mergeResults(withUnknown, documentOf('x', 't', ['rollover'], 'n'), ['rollover']);
    expect(merged.benchmarks.at(-1)?.id).toBe('retired');
    expect(merged.benchmarks.filter((r) => r.id === 'rollover').map((r) => r.machine.date)).toEqual(['n']);
  });
});
