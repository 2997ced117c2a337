// Benchmark 5: the top of the hour. A service whose sales last 10 s (10,000 items each) is loaded
// open-loop from 5 s before a sale opens (`simulate --start-at next-sale-5s`) for 10 s. The figure
// is the p99 of the requests intended in the new sale's first second; the baseline is a steady
// second of the same run (the median of the per-second p99s before the opening, after the
// simulator's start-up): a sale prepared ahead opens without a stall.
import { formatMs, formatRatio, round } from './format.js';
import type { BenchResult } from './results.js';
import { withService } from './service.js';
import type { RunContext } from './session.js';
import { runSimulate, startUpS } from './simulate.js';

const salePeriodMs = 10_000;
const saleSize = 10_000;
const leadS = 5;
const durationS = 10;

export type RolloverResult = BenchResult<
  Readonly<{
    sale_id: number | null;
    rps: number;
    first_second_p99_ms: number | null;
    first_second_p50_ms: number | null;
    first_second_requests: number;
    first_purchase_ms: number | null;
    half_sold_ms: number | null;
  }>,
  Readonly<{ name: string; steady_second_p99_ms: number | null; seconds: readonly number[] }>,
  Readonly<{ load: string; service: string }>
>;

export async function benchRollover(ctx: RunContext): Promise<RolloverResult> {
  const rps = ctx.settings.rolloverRps;
  ctx.step(`rollover: ${rps}/s from ${leadS} s before a ${saleSize.toLocaleString('en-US')}-item sale opens`);
  return withService(
    ctx,
    { workers: 1, overrides: { saleDurationMs: salePeriodMs, saleSize } },
    async (service) => {
      const run = await runSimulate({
        target: service.url,
        rps,
        durationS,
        seed: ctx.nextSeed(),
        workDir: ctx.workDir,
        args: ['--start-at', `next-sale-${leadS}s`],
      });
      const { report } = run;
      const opened = (report.sales ?? []).find((sale) => sale.opened_during_run);
      const steadySeconds = report.timeline
        .filter((second) => second.t >= startUpS && second.t < leadS && second.p99_ms !== null)
        .map((second) => second.p99_ms as number);
      const steadyP99 = median(steadySeconds);
      const firstP99 = opened?.first_second_latency_ms?.p99 ?? null;
      const ratio = firstP99 === null || steadyP99 === null ? null : firstP99 / steadyP99;
      const flags: string[] = [];
      if (opened === undefined) flags.push('no sale opened during the run: nothing measured');
      if (report.generator.is_saturated)
        flags.push('the simulator was saturated: its latencies include its own lag');
      return {
        id: 'rollover',
        title: 'First second of a new sale (10,000 items, prepared ahead) against a steady second',
        figures: {
          sale_id: opened?.sale_id ?? null,
          rps,
          first_second_p99_ms: firstP99,
          first_second_p50_ms: opened?.first_second_latency_ms?.p50 ?? null,
          first_second_requests: opened?.first_second_latency_ms?.count ?? 0,
          first_purchase_ms: opened?.first_purchase_ms ?? null,
          half_sold_ms: opened?.half_sold_ms ?? null,
        },
        baseline: {
          name: `median per-second p99 of seconds ${startUpS}-${leadS - 1}, before the opening`,
          steady_second_p99_ms: steadyP99,
          seconds: steadySeconds,
        },
        ratio: round(ratio),
        ratio_of: 'p99 of the new sale first second / p99 of a steady second of the same run',
        command_lines: { load: run.commandLine, service: service.commandLine },
        notes: [
          `One service (1 worker) with --sale-duration 10s --sale-size ${saleSize}: the next sale is prepared a quarter period ahead. simulate --start-at next-sale-${leadS}s at ${rps}/s for ${durationS} s; latency from the intended send time. First second: requests intended in [opening, opening + 1 s).`,
        ],
        flags,
        rows: [
          ['p99, first second of a new sale', formatMs(firstP99), formatMs(steadyP99), formatRatio(ratio)],
          ['p50, first second of a new sale', formatMs(opened?.first_second_latency_ms?.p50), '', ''],
          ['time to first purchase from the opening', formatMs(opened?.first_purchase_ms), '', ''],
        ],
      };
    },
  );
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}
