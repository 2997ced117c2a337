// `pnpm bench --only a,b` into an existing results file of the same mode: the results of the
// benchmarks it ran replace theirs, every other result stays as it was (each carries the machine
// facts of the run that measured it), and the run is listed under merged_runs.
import type { MergedRun, ResultEnvelope, ResultsDocument } from './results.js';
import { type BenchmarkName, benchmarkNames } from './run-flags.js';

/** The benchmark whose run writes the result `id` (undefined: none known, e.g. one since removed). */
export function benchmarkOfResult(id: string): BenchmarkName | undefined {
  if (id.startsWith('server-checkout-') || id === 'group-commit') return 'checkout';
  if (id === 'server-full-flow') return 'full-flow';
  if (id.startsWith('instances-')) return 'instances';
  return benchmarkNames.find((name) => name === id);
}

type AnyDocument = ResultsDocument<ResultEnvelope>;

/**
 * `next` (a run of the benchmarks `ran`) merged into `previous`: results in the order of
 * benchmarkNames, each benchmark's from `next` when it ran, else from `previous`; results of no
 * known benchmark are kept at the end. The document's own facts stay `previous`'s.
 */
export function mergeResults(
  previous: AnyDocument,
  next: AnyDocument,
  ran: readonly BenchmarkName[],
): AnyDocument {
  const fromPrevious = previous.benchmarks.filter((result) => {
    const name = benchmarkOfResult(result.id);
    return name === undefined || !ran.includes(name);
  });
  const ofName = (results: AnyDocument['benchmarks'], name: BenchmarkName) =>
    results.filter((result) => benchmarkOfResult(result.id) === name);
  const benchmarks = [
    ...benchmarkNames.flatMap((name) => ofName(ran.includes(name) ? next.benchmarks : fromPrevious, name)),
    ...fromPrevious.filter((result) => benchmarkOfResult(result.id) === undefined),
  ];
  const run: MergedRun = {
    command: next.command,
    started_at: next.started_at,
    finished_at: next.finished_at,
    duration_s: next.duration_s,
    results: next.benchmarks.map((result) => result.id),
  };
  // An earlier merged run keeps the results still its own; one with none left is dropped.
  const kept = new Set(fromPrevious.map((result) => result.id));
  const earlier = (previous.merged_runs ?? []).flatMap((merged) => {
    const results = merged.results.filter((id) => kept.has(id));
    return results.length === 0 ? [] : [{ ...merged, results }];
  });
  return {
    ...previous,
    settings: { ...previous.settings, ...next.settings },
    benchmarks,
    merged_runs: [...earlier, run],
  };
}
