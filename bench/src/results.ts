// The document `pnpm bench` writes (bench/results.json, format flashsale-bench@1): the machine,
// the settings and one result per benchmark. Every result has the same envelope (a title, table
// rows, flags, notes, the ratio and what it is of); its figures and baseline are typed by the
// benchmark that measures them. The README's Performance section is rendered from it.

import type { MachineFacts } from './machine.js';
import type { BenchMode, BenchSettings } from './modes.js';

export const resultsFormat = 'flashsale-bench@1';

/** A line of the table: [figure, flashsale, baseline, ratio]. */
export type TableRow = readonly [figure: string, measured: string, baseline: string, ratio: string];

/**
 * CPU microseconds per completed request, by process group (server, postgres_backends,
 * postgres_background, redis, load_generator), from /proc deltas over the measured window; the
 * baseline's for the same load, when it has one.
 */
export type CpuPerRequest = Readonly<{
  measured: Readonly<Record<string, number | null>>;
  baseline: Readonly<Record<string, number | null>> | null;
  /** node's part split into its own code (user time) and the kernel's work for it (system time). */
  node_user_kernel?: Readonly<{ measured: UserKernelMicros; baseline: UserKernelMicros | null }>;
}>;

/** CPU µs per request of a process group: user time and system time. */
export type UserKernelMicros = Readonly<{ user: number | null; kernel: number | null }>;

export type ResultEnvelope = Readonly<{
  id: string;
  title: string;
  ratio: number | null;
  ratio_of: string;
  notes: readonly string[];
  flags: readonly string[];
  rows: readonly TableRow[];
  /** Benchmarks of checkouts say what each one cost each process (the README leads with it). */
  cpu_us_per_checkout?: CpuPerRequest;
}>;

export type BenchResult<Figures, Baseline, CommandLines> = ResultEnvelope &
  Readonly<{ figures: Figures; baseline: Baseline; command_lines: CommandLines }>;

/** `Result`: the results of the benchmarks (run.ts knows each one's figures; a reader, the envelope). */
export type ResultsDocument<Result extends ResultEnvelope = ResultEnvelope> = Readonly<{
  format: typeof resultsFormat;
  mode: BenchMode;
  command: string;
  started_at: string;
  finished_at: string;
  duration_s: number;
  machine: MachineFacts;
  settings: BenchSettings & Readonly<{ sale_size: number }>;
  benchmarks: readonly (Result & Readonly<{ machine: MachineFacts }>)[];
  /**
   * Ids of the benchmarks this run did not make (`--only`), kept from the file it replaced; each
   * keeps its own machine facts (date, commit, load at the start of its run).
   */
  kept_from_earlier?: readonly string[];
}>;

/** A results file read back: the document, or the line that says why it is not one. */
export type ReadResults =
  | { ok: true; document: ResultsDocument<ResultEnvelope> }
  | { ok: false; message: string };

/** Reads a results file (for the README): its envelope checked, its figures taken as written. */
export function readResultsDocument(text: string, where: string): ReadResults {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${where} is not JSON (${String(error)})` };
  }
  const results = document as Partial<Record<keyof ResultsDocument, unknown>> | null;
  if (typeof results !== 'object' || results === null || results.format !== resultsFormat)
    return { ok: false, message: `${where} is not a bench results file (no "format": "${resultsFormat}")` };
  if (typeof results.machine !== 'object' || results.machine === null)
    return { ok: false, message: `${where} lacks "machine"` };
  const { benchmarks } = results;
  if (!Array.isArray(benchmarks) || !benchmarks.every(isEnvelope))
    return {
      ok: false,
      message: `${where}: "benchmarks" must be a list of results, each with a title, rows, flags and notes`,
    };
  return { ok: true, document: document as ResultsDocument<ResultEnvelope> };
}

function isEnvelope(value: unknown): value is ResultEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as Record<string, unknown>;
  const isTexts = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    typeof result.title === 'string' &&
    typeof result.ratio_of === 'string' &&
    isTexts(result.flags) &&
    isTexts(result.notes) &&
    Array.isArray(result.rows) &&
    result.rows.every((row) => isTexts(row) && row.length === 4)
  );
}

/**
 * The document to write over `previous` (the file's current content, if it is a results file of
 * the same mode): this run's benchmarks replace those of the same id, where they stood, and every
 * other benchmark of `previous` stays, so a run with `--only` does not drop the rest.
 */
export function mergeResults<Result extends ResultEnvelope>(
  previous: ResultsDocument<Result> | null,
  next: ResultsDocument<Result>,
): ResultsDocument<Result> {
  if (previous === null || previous.mode !== next.mode) return next;
  const fresh = new Map(next.benchmarks.map((result) => [result.id, result]));
  const kept = previous.benchmarks.filter((result) => !fresh.has(result.id));
  if (kept.length === 0) return next;
  const placed = new Set<string>();
  const benchmarks = previous.benchmarks.map((result) => {
    const replacement = fresh.get(result.id);
    if (replacement === undefined) return result;
    placed.add(result.id);
    return replacement;
  });
  benchmarks.push(...next.benchmarks.filter((result) => !placed.has(result.id)));
  return { ...next, benchmarks, kept_from_earlier: kept.map((result) => result.id) };
}
