// The README's Performance section, rendered from a full bench run's results and written between
// the <!-- bench:start --> and <!-- bench:end --> markers, so the figures there always come from
// a run.
import { instancesSectionLines } from './instances-section.js';
import type { ResultEnvelope, ResultsDocument, UserKernelMicros } from './results.js';
import { formatStalls } from './vcpu-stalls.js';

const startMarker = '<!-- bench:start -->';
const endMarker = '<!-- bench:end -->';

const cell = (text: string) => text.replaceAll('|', '\\|');

export function renderPerformanceSection(document: ResultsDocument<ResultEnvelope>): string {
  const { machine } = document;
  const lines = [
    '## Performance',
    '',
    `Figures of ${(document.kept_from_earlier ?? []).length === 0 ? 'one full run' : 'the latest full run'} of \`${document.command}\` on ${machine.date.slice(0, 10)}, on this project's shared box:`,
    `${machine.cores} × ${machine.cpu_model}, ${machine.memory_gb} GB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis},`,
    `commit ${machine.git_commit}${machine.git_dirty ? ' (with uncommitted changes)' : ''}, load average ${machine.load_average_at_start.join(' / ')} at the start,`,
    ...(machine.vcpu_stalls_at_start === undefined
      ? []
      : [`vCPUs taken away ${formatStalls(machine.vcpu_stalls_at_start)} just before,`]),
    `${document.duration_s} s in all.${keptText(document)} Written by \`pnpm bench:readme\` from \`bench/results.json\`; do not edit by hand.`,
    'Every baseline ran in the same invocation on the same box with the same load generator; other',
    "engineers' work shares the box, so compare ratios rather than absolute rates, and expect ±15%.",
    '',
    ...cpuPerCheckoutLines(document.benchmarks),
    ...instancesSectionLines(document),
    '| benchmark | figure | measured | baseline | ratio |',
    '|---|---|---|---|---|',
  ];
  for (const result of document.benchmarks) {
    result.rows.forEach(([figure, measured, baseline, ratio], i) => {
      lines.push(
        `| ${i === 0 ? cell(result.title) : ''} | ${cell(figure)} | ${cell(measured)} | ${cell(baseline)} | ${cell(ratio)} |`,
      );
    });
  }
  const flags = document.benchmarks.flatMap((result) =>
    result.flags.map((flag) => `- ${result.title}: ${flag}`),
  );
  if (flags.length > 0) lines.push('', 'Flagged by the run:', '', ...flags);
  lines.push('', 'How each figure is measured:', '');
  for (const result of document.benchmarks) {
    const notes = [`Ratio = ${result.ratio_of}.`, ...result.notes].join(' ');
    lines.push(`- **${result.title}**: ${notes}`);
  }
  if (machine.vcpu_stalls_at_start !== undefined)
    lines.push(
      '- **vCPUs taken away**: before the benchmarks, one thread per core spins on the clock; a gap of over 1 ms between two',
      'reads is time the box did not run it (this VM reports no steal time), time that adds to any request in flight then.',
    );
  lines.push(
    '',
    '`pnpm bench --quick` (3 minutes on a slow 2-core box) writes `.out/bench/results-quick.json` instead; `pnpm bench --only instances`',
    "(or any of the benchmarks' names, comma-separated) runs those and keeps the other results in the file; `pnpm bench:profile`",
    'profiles the server under the checkout load (`node --cpu-prof`); `pnpm bench:cpu` runs that load in rounds against one',
    'service and gives the median CPU µs per checkout of each process.',
  );
  return lines.join('\n');
}

/** Benchmarks kept from earlier runs (the last run had --only): each from its own run's date and load. */
function keptText(document: ResultsDocument<ResultEnvelope>): string {
  const kept = new Set(document.kept_from_earlier ?? []);
  if (kept.size === 0) return '';
  // One sentence per earlier run: its date, commit and load, then the results it gave.
  const byRun = new Map<string, string[]>();
  for (const result of document.benchmarks) {
    if (!kept.has(result.id)) continue;
    const { date, git_commit, load_average_at_start } = result.machine;
    const run = `${date.slice(0, 16).replace('T', ' ')}, commit ${git_commit}, load average ${load_average_at_start.join(' / ')} at the start`;
    byRun.set(run, [...(byRun.get(run) ?? []), result.title]);
  }
  const runs = [...byRun].map(([run, titles]) => ` Kept from the run of ${run}: ${titles.join('; ')}.`);
  return ` That run had --only; the other results come from earlier runs.${runs.join('')}`;
}

const cpuColumns = [
  ['server', 'node'],
  ['postgres_backends', 'Postgres backends'],
  ['postgres_background', 'Postgres background'],
  ['redis', 'Redis'],
  ['load_generator', 'load generator (wrk)'],
] as const;

/**
 * The figure that does not depend on how busy the box is, first: CPU µs per checkout by process,
 * from the same run (nothing when the run measured none, as older results files did not).
 */
function cpuPerCheckoutLines(results: readonly ResultEnvelope[]): string[] {
  const measured = results.flatMap((r) => (r.cpu_us_per_checkout === undefined ? [] : [r]));
  if (measured.length === 0) return [];
  const us = (value: number | null | undefined) => (typeof value === 'number' ? String(value) : '-');
  // node's figure with the kernel's part of it, where the run split it.
  const node = (value: number | null | undefined, split: UserKernelMicros | null | undefined) =>
    split?.kernel === null || split?.kernel === undefined
      ? us(value)
      : `${us(value)} (kernel ${split.kernel})`;
  return [
    'CPU µs per checkout, by process (CPU time from /proc over the measured window / answered checkouts;',
    "in brackets the kernel's part of node's, its system time: syscalls and the sockets' loopback TCP work;",
    'the redis-server and the Postgres background processes also serve whatever else uses them on the box):',
    '',
    `| setup | ${cpuColumns.map(([, label]) => label).join(' | ')} | bare node:http: node / wrk |`,
    `|---|${cpuColumns.map(() => '---|').join('')}---|`,
    ...measured.map((r) => {
      const cpu = r.cpu_us_per_checkout!;
      const split = cpu.node_user_kernel;
      const bare =
        cpu.baseline === null
          ? '-'
          : `${node(cpu.baseline.server, split?.baseline)} / ${us(cpu.baseline.load_generator)}`;
      const cells = cpuColumns.map(([key]) =>
        key === 'server' ? node(cpu.measured[key], split?.measured) : us(cpu.measured[key]),
      );
      return `| ${cell(r.title)} | ${cells.join(' | ')} | ${bare} |`;
    }),
    '',
  ];
}

/** The section between the markers of `readme`, or null when the markers are missing. */
export function sectionBetweenMarkers(readme: string): string | null {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start === -1 || end === -1 || end < start) return null;
  return readme
    .slice(start + startMarker.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

export function replaceBetweenMarkers(readme: string, section: string): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README.md has no ${startMarker} … ${endMarker} section to write into`);
  return `${readme.slice(0, start + startMarker.length)}\n${section}\n${readme.slice(end)}`;
}
