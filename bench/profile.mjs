// `node bench/profile.mjs [--duration 15] [--workers 1] [--connections 50] [--out DIR]` (after
// `pnpm build`): the checkout load of benchmark 1 against `flashsale serve` run under
// `node --cpu-prof`, then where the server's time went in the measured window (self and
// inclusive time by function, by package) and who used the box's CPU meanwhile. Writes the
// .cpuprofile (open it in Chrome DevTools) and the summary to DIR (default .out/bench/profiles/<time>).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSplit, formatCpuSplit, runWrkOnService } from './cpu-split.mjs';
import { renderProfileSummary, summarizeProfile } from './cpuprofile.mjs';
import { openBenchSale, withService } from './service.mjs';
import { step, withBenchSession } from './session.mjs';
import { ensureWrk, runWrk } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    'warm-up': { type: 'string', default: '3' },
    workers: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string' },
  },
});
const durationS = Number(values.duration);
const workers = Number(values.workers);
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const outDir = values.out ?? fileURLToPath(new URL(`../.out/bench/profiles/${stamp}`, import.meta.url));
const saleSize = 1_000_000;
const settings = {
  measureS: durationS,
  warmUpS: Number(values['warm-up']),
  connections: Number(values.connections),
};

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n); // the clock of .cpuprofile times

async function profile(ctx) {
  ctx.step('opening the sale: 1,000,000 items');
  ctx.sale = await openBenchSale(ctx);
  const profileDir = join(ctx.workDir, 'cpuprofile');
  ctx.step(`flashsale serve --workers ${workers} under node --cpu-prof; wrk warm-up ${settings.warmUpS} s`);
  const measured = await withService(
    ctx,
    { workers, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] },
    async (service) => {
      const wrkOptions = { url: service.url, connections: settings.connections, saleSize };
      const warmUp = await runWrk({ ...wrkOptions, durationS: settings.warmUpS, offset: ctx.takeOffset() });
      ctx.advanceOffset(warmUp.nextOffset);
      ctx.step(`measuring ${durationS} s`);
      const fromUs = monotonicUs();
      const { wrk, usage } = await runWrkOnService(ctx, service, {
        ...wrkOptions,
        durationS,
        offset: ctx.takeOffset(),
      });
      const toUs = monotonicUs();
      return { wrk, usage, fromUs, toUs, commandLine: service.commandLine };
    },
  );
  // The service has stopped gracefully: each process wrote its profile on exit.
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const summaries = files.map((name) => {
    const target = join(outDir, name);
    renameSync(join(profileDir, name), target);
    const summary = summarizeProfile(JSON.parse(readFileSync(target, 'utf8')), {
      fromUs: measured.fromUs,
      toUs: measured.toUs,
    });
    return { file: relative(process.cwd(), target), summary };
  });
  return { measured, summaries };
}

async function main() {
  ensureWrk();
  const { measured, summaries } = await withBenchSession({ mode: 'profile', settings, saleSize }, profile);
  const { wrk } = measured;
  const cores = cpuSplit(measured.usage);
  const lines = [
    `flashsale serve --workers ${workers} under node --cpu-prof, ${wrk.commandLine}`,
    `${Math.round(wrk.rps)} req/s, p50 ${wrk.latencyMs.p50} ms, p99 ${wrk.latencyMs.p99} ms, ${wrk.requests} requests, ${wrk.non2xx} non-2xx`,
    `CPU during the window, cores: ${formatCpuSplit(cores)}`,
    '',
  ];
  // The primary of a cluster idles; the busiest profile comes first.
  summaries.sort((a, b) => a.summary.idlePct - b.summary.idlePct);
  for (const { file, summary } of summaries) lines.push(`== ${file}`, renderProfileSummary(summary), '');
  const text = lines.join('\n');
  console.log(text);
  writeFileSync(join(outDir, 'summary.txt'), text);
  writeFileSync(
    join(outDir, 'summary.json'),
    `${JSON.stringify({ wrk, cpu_cores: cores, profiles: summaries }, null, 2)}\n`,
  );
  step(`wrote ${relative(process.cwd(), outDir)}`);
}

main().catch((error) => {
  console.error(`profile failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
