// `pnpm bench:profile [--duration 15s] [--warm-up 3s] [--workers 1] [--connections 50] [--out DIR]`:
// the checkout load of benchmark 1 against `flashsale serve` run under `node --cpu-prof`, then
// where the server's time went in the measured window (self and inclusive time by function, by
// package) and who used the box's CPU meanwhile. Writes the .cpuprofile (open it in Chrome
// DevTools) and the summary to DIR (default .out/bench/profiles/<time>).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type CpuCores,
  cpuSplit,
  formatCpuSplit,
  formatMainThreads,
  mainThreadsOf,
  runWrkOnService,
  type ServiceGroup,
} from './cpu-split.js';
import {
  type CpuProfile,
  type ProfileSummary,
  renderProfileSummary,
  summarizeProfile,
} from './cpuprofile.js';
import { benchSaleSize } from './modes.js';
import type { ProcessUsage } from './proc-stats.js';
import { type ProfileFlags, parseProfileFlags } from './profile-flags.js';
import { repoRoot } from './repo-paths.js';
import { openBenchSale, withService } from './service.js';
import { type BenchContext, type SessionSettings, step, withBenchSession } from './session.js';
import { ensureWrk, runWrk, type WrkRun } from './wrk.js';

type Measured = Readonly<{ wrk: WrkRun; usage: ProcessUsage<ServiceGroup>; fromUs: number; toUs: number }>;
type ProfileFile = Readonly<{ file: string; summary: ProfileSummary }>;

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n); // the clock of .cpuprofile times

async function profile(
  ctx: BenchContext,
  flags: ProfileFlags,
  outDir: string,
): Promise<{ measured: Measured; summaries: ProfileFile[] }> {
  ctx.step('opening the sale: 1,000,000 items');
  ctx.sale = await openBenchSale(ctx);
  const profileDir = join(ctx.workDir, 'cpuprofile');
  ctx.step(
    `flashsale serve --workers ${flags.workers} under node --cpu-prof; wrk warm-up ${flags.warmUpS} s`,
  );
  const measured = await withService(
    ctx,
    { workers: flags.workers, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] },
    async (service): Promise<Measured> => {
      const wrkOptions = { url: service.url, connections: flags.connections, saleSize: ctx.saleSize };
      const warmUp = await runWrk({ ...wrkOptions, durationS: flags.warmUpS, offset: ctx.takeOffset() });
      ctx.advanceOffset(warmUp.nextOffset);
      ctx.step(`measuring ${flags.measureS} s`);
      const fromUs = monotonicUs();
      const { wrk, usage } = await runWrkOnService(ctx, service, {
        ...wrkOptions,
        durationS: flags.measureS,
        offset: ctx.takeOffset(),
      });
      const toUs = monotonicUs();
      return { wrk, usage, fromUs, toUs };
    },
  );
  // The service has stopped gracefully: each process wrote its profile on exit.
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const summaries = files.map((name) => {
    const target = join(outDir, name);
    renameSync(join(profileDir, name), target);
    const summary = summarizeProfile(JSON.parse(readFileSync(target, 'utf8')) as CpuProfile, {
      fromUs: measured.fromUs,
      toUs: measured.toUs,
    });
    return { file: relative(process.cwd(), target), summary };
  });
  return { measured, summaries };
}

function renderReport(
  flags: ProfileFlags,
  measured: Measured,
  cores: CpuCores,
  summaries: ProfileFile[],
): string {
  const { wrk } = measured;
  const lines = [
    `flashsale serve --workers ${flags.workers} under node --cpu-prof, ${wrk.commandLine}`,
    `${Math.round(wrk.rps)} req/s, p50 ${wrk.latencyMs.p50} ms, p99 ${wrk.latencyMs.p99} ms, ${wrk.requests} requests, ${wrk.non2xx} non-2xx`,
    `CPU during the window, cores: ${formatCpuSplit(cores)}`,
    `node main thread (event loop), share of the window: ${formatMainThreads(mainThreadsOf(measured.usage, 'server'))}`,
    '',
  ];
  // The primary of a cluster idles; the busiest profile comes first.
  const busiestFirst = [...summaries].sort((a, b) => a.summary.idlePct - b.summary.idlePct);
  for (const { file, summary } of busiestFirst) lines.push(`== ${file}`, renderProfileSummary(summary), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const parsed = parseProfileFlags(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`bench:profile: ${parsed.message}`);
    process.exitCode = 2;
    return;
  }
  const { flags } = parsed;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = flags.outDir ?? join(repoRoot, '.out', 'bench', 'profiles', stamp);
  ensureWrk();
  const settings: SessionSettings = {
    measureS: flags.measureS,
    warmUpS: flags.warmUpS,
    connections: flags.connections,
  };
  const { measured, summaries } = await withBenchSession(
    { mode: 'profile', settings, saleSize: benchSaleSize },
    (ctx) => profile(ctx, flags, outDir),
  );
  const cores = cpuSplit(measured.usage);
  const text = renderReport(flags, measured, cores, summaries);
  console.log(text);
  writeFileSync(join(outDir, 'summary.txt'), text);
  writeFileSync(
    join(outDir, 'summary.json'),
    `${JSON.stringify({ wrk: measured.wrk, cpu_cores: cores, profiles: summaries }, null, 2)}\n`,
  );
  step(`wrote ${relative(process.cwd(), outDir)}`);
}

main().catch((error: unknown) => {
  console.error(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
