import { describe, expect, it } from 'vitest';
import { renderPerformanceSection } from '../src/performance-section.js';
import { mergeResults, type ResultEnvelope, type ResultsDocument } from '../src/results.js';

const machine = (date: string) => ({
  cores: 2,
  cpu_model: 'test cpu',
  memory_gb: 1,
  os: 'Linux',
  node: 'v20',
  postgres: '15',
  redis: '7',
  wrk: 'wrk',
  git_commit: date.slice(0, 4),
  git_dirty: false,
  load_average_at_start: [0.5, 0.5, 0.5],
  date,
});

const result = (id: string, figure: string, date: string) => ({
  id,
  title: `benchmark ${id}`,
  ratio: 1,
  ratio_of: 'a / b',
  notes: [],
  flags: [],
  rows: [[figure, '1', '1', '1']] as const,
  machine: machine(date),
});

const documentOf = (
  mode: 'full' | 'quick',
  date: string,
  benchmarks: ReturnType<typeof result>[],
): ResultsDocument<ResultEnvelope> => ({
  format: 'flashsale-bench@1',
  mode,
  command: `pnpm bench at ${date}`,
  started_at: date,
  finished_at: date,
  duration_s: 1,
  machine: machine(date),
  settings: {} as ResultsDocument['settings'],
  benchmarks,
});

describe('a results file written over by a run with --only', () => {
  const earlier = documentOf('full', '2026-01-01T00:00:00.000Z', [
    result('checkout', 'old checkout', '2026-01-01T00:00:00.000Z'),
    result('simulator', 'old simulator', '2026-01-01T00:00:00.000Z'),
    result('memory', 'old memory', '2026-01-01T00:00:00.000Z'),
  ]);

  it("keeps the benchmarks the run did not make, in their places, and replaces the run's own", () => {
    const run = documentOf('full', '2026-02-02T00:00:00.000Z', [
      result('simulator', 'new simulator', '2026-02-02T00:00:00.000Z'),
    ]);
    const merged = mergeResults(earlier, run);
    expect(merged.benchmarks.map((b) => [b.id, b.rows[0]?.[0]])).toEqual([
      ['checkout', 'old checkout'],
      ['simulator', 'new simulator'],
      ['memory', 'old memory'],
    ]);
    expect(merged.kept_from_earlier).toEqual(['checkout', 'memory']);
    expect(merged.command).toBe(run.command);
    // The README says which figures come from an earlier run, with that run's date.
    expect(renderPerformanceSection(merged)).toContain(
      'Kept from the run of 2026-01-01 00:00, commit 2026, load average 0.5 / 0.5 / 0.5 at the start: benchmark checkout; benchmark memory.',
    );
  });

  it('adds a benchmark the earlier file lacked at the end', () => {
    const run = documentOf('full', '2026-02-02T00:00:00.000Z', [
      result('rollover', 'new rollover', '2026-02-02T00:00:00.000Z'),
    ]);
    expect(mergeResults(earlier, run).benchmarks.map((b) => b.id)).toEqual([
      'checkout',
      'simulator',
      'memory',
      'rollover',
    ]);
  });

  it('is the run alone when it made every benchmark, or when the file was of another mode', () => {
    const everything = documentOf('full', '2026-02-02T00:00:00.000Z', [
      result('checkout', 'c', '2026-02-02T00:00:00.000Z'),
      result('simulator', 's', '2026-02-02T00:00:00.000Z'),
      result('memory', 'm', '2026-02-02T00:00:00.000Z'),
    ]);
    expect(mergeResults(earlier, everything)).toEqual(everything);
    const quick = documentOf('quick', '2026-02-02T00:00:00.000Z', [result('simulator', 's', '2026-02-02')]);
    expect(mergeResults(earlier, quick)).toEqual(quick);
    expect(mergeResults(null, quick)).toEqual(quick);
  });
});
