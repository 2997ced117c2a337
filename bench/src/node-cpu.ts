// `pnpm bench:cpu [--duration 5s] [--warm-up 3s] [--workers 1] [--connections 50] [--rounds 5]`:
// the checkout load of benchmark 1 against one `flashsale serve`, run several times back to back,
// and the CPU µs per completed checkout of each process group in every round, then the median of
// the rounds. For judging a change to the service on a shared box, where rates are noisy and CPU
// per request much less so. Add `-- --node-arg=...` to start the service's node with a flag
// (`--node-arg=--trace-gc` writes GC lines to the service log, kept under .out/bench/cpu).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cpuMicrosPerRequest, formatCpuMicros, runWrkOnService } from './cpu-split.js';
import { benchSaleSize } from './modes.js';
import { parseProfileFlags } from './profile-flags.js';
import { repoRoot } from './repo-paths.js';
import { openBenchSale, withService } from './service.js';
import { type SessionSettings, step, withBenchSession } from './session.js';
import { ensureWrk, runWrk } from './wrk.js';

type Round = Readonly<{ rps: number; p99Ms: number; micros: Record<string, number | null> }>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  // --rounds and --node-arg are this tool's; the rest are bench:profile's flags.
  const rest: string[] = [];
  const nodeArgs: string[] = [];
  let roundsText = '5';
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--rounds') roundsText = args[++i] ?? '';
    else if (arg.startsWith('--node-arg=')) nodeArgs.push(arg.slice('--node-arg='.length));
    else rest.push(arg);
  }
  const roundsValue = Number(roundsText);
  const parsed = parseProfileFlags(rest);
  if (!parsed.ok || !/^\d+$/.test(roundsText) || roundsValue < 1) {
    console.error(
      `bench:cpu: ${parsed.ok ? `--rounds: an integer from 1 (got ${roundsText})` : parsed.message}`,
    );
    process.exitCode = 2;
    return;
  }
  const { flags } = parsed;
  ensureWrk();
  const settings: SessionSettings = {
    measureS: flags.measureS,
    warmUpS: flags.warmUpS,
    connections: flags.connections,
  };
  const rounds = await withBenchSession(
    { mode: 'profile', settings, saleSize: benchSaleSize },
    async (ctx) => {
      ctx.step('opening the sale: 1,000,000 items');
      ctx.sale = await openBenchSale(ctx);
      return withService(ctx, { workers: flags.workers, nodeArgs }, async (service) => {
        const wrkOptions = { url: service.url, connections: flags.connections, saleSize: ctx.saleSize };
        const warmUp = await runWrk({ ...wrkOptions, durationS: flags.warmUpS, offset: ctx.takeOffset() });
        ctx.advanceOffset(warmUp.nextOffset);
        const done: Round[] = [];
        for (let round = 1; round <= roundsValue; round++) {
          const { wrk, usage } = await runWrkOnService(ctx, service, {
            ...wrkOptions,
            durationS: flags.measureS,
            offset: ctx.takeOffset(),
          });
          ctx.advanceOffset(wrk.nextOffset);
          const micros = cpuMicrosPerRequest(usage, wrk.requests);
          ctx.step(
            `round ${round}: ${Math.round(wrk.rps)}/s, p99 ${wrk.latencyMs.p99} ms, non-2xx ${wrk.non2xx}; µs per checkout: ${formatCpuMicros(micros)}`,
          );
          done.push({ rps: wrk.rps, p99Ms: wrk.latencyMs.p99, micros });
        }
        if (nodeArgs.length > 0) {
          const keep = join(repoRoot, '.out', 'bench', 'cpu');
          mkdirSync(keep, { recursive: true });
          for (const name of readdirSync(ctx.workDir).filter((file) => file.endsWith('.log')))
            copyFileSync(join(ctx.workDir, name), join(keep, name));
        }
        return done;
      });
    },
  );
  const groups = Object.keys(rounds[0]!.micros);
  const medians = Object.fromEntries(
    groups.map((group) => [group, median(rounds.map((r) => r.micros[group] ?? 0))]),
  );
  const load = loadavg().map((value) => value.toFixed(2));
  step(
    `median of ${rounds.length} rounds (${flags.measureS} s, -c${flags.connections}, ${flags.workers} worker(s)): ` +
      `${Math.round(median(rounds.map((r) => r.rps)))}/s, p99 ${median(rounds.map((r) => r.p99Ms))} ms; ` +
      `µs per checkout: ${formatCpuMicros(medians)}; load average ${load.join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(
    `bench:cpu failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
