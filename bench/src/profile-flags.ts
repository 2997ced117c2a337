// The flags of `pnpm bench:profile`, read once: durations in the one grammar of
// @flashsale/protocol (15s, 1m), counts as integers. A bad value is one line naming the flag.
import { parseArgs } from 'node:util';
import { parseDurationMs } from '@flashsale/protocol';

export type ProfileFlags = Readonly<{
  measureS: number;
  warmUpS: number;
  workers: number;
  connections: number;
  /** Where the profiles and the summary go; a new folder under .out/bench/profiles/ when absent. */
  outDir: string | undefined;
}>;

/** The flags, or the line that says which one is wrong and what it accepts. */
export type ParsedProfileFlags = { ok: true; flags: ProfileFlags } | { ok: false; message: string };

export function parseProfileFlags(args: readonly string[]): ParsedProfileFlags {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        duration: { type: 'string', default: '15s' },
        'warm-up': { type: 'string', default: '3s' },
        workers: { type: 'string', default: '1' },
        connections: { type: 'string', default: '50' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message }; // an unknown flag or a missing value
  }
  const problems: string[] = [];
  const wholeSeconds = (flag: string, text = '') => {
    const ms = parseDurationMs(text);
    if (ms !== null && ms >= 1000 && ms % 1000 === 0) return ms / 1000;
    problems.push(`${flag}: a whole number of seconds with its unit, such as 15s or 1m (got ${text})`);
    return 0;
  };
  const integer = (flag: string, max: number, text = '') => {
    const value = Number(text);
    if (/^\d+$/.test(text) && value >= 1 && value <= max) return value;
    problems.push(`${flag}: an integer from 1 to ${max} (got ${text})`);
    return 0;
  };
  const flags: ProfileFlags = {
    measureS: wholeSeconds('--duration', values.duration),
    warmUpS: wholeSeconds('--warm-up', values['warm-up']),
    workers: integer('--workers', 64, values.workers),
    connections: integer('--connections', 10_000, values.connections),
    outDir: values.out,
  };
  const [problem] = problems;
  return problem === undefined ? { ok: true, flags } : { ok: false, message: problem };
}
