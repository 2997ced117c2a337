// The flags of `pnpm bench`, read once: the mode, the benchmarks to run and where the results go.
// A bad value is one line naming the flag.
import { parseArgs } from 'node:util';
import type { BenchMode } from './modes.js';

export const benchmarkNames = [
  'checkout',
  'full-flow',
  'simulator',
  'memory',
  'rollover',
  'instances',
  'redis-script',
] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];

export type RunFlags = Readonly<{
  mode: BenchMode;
  only: readonly BenchmarkName[];
  /** The --only text as given, for the command line in the results; undefined when absent. */
  onlyText: string | undefined;
  outPath: string | undefined;
}>;

export type ParsedRunFlags = { ok: true; flags: RunFlags } | { ok: false; message: string };

const isBenchmarkName = (name: string): name is BenchmarkName =>
  (benchmarkNames as readonly string[]).includes(name);

export function parseRunFlags(args: readonly string[]): ParsedRunFlags {
  let values: { quick?: boolean; only?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message }; // an unknown flag or a missing value
  }
  const names = values.only?.split(',') ?? [...benchmarkNames];
  const unknown = names.filter((name) => !isBenchmarkName(name));
  if (unknown.length > 0)
    return {
      ok: false,
      message: `--only: unknown benchmark ${unknown.join(', ')}; expected some of ${benchmarkNames.join(', ')}`,
    };
  const only = names.filter(isBenchmarkName);
  if (only.includes('memory') && !only.includes('checkout'))
    return { ok: false, message: '--only: memory needs checkout (server memory is sampled under its load)' };
  return {
    ok: true,
    flags: { mode: values.quick ? 'quick' : 'full', only, onlyText: values.only, outPath: values.out },
  };
}
