// Reads a V8 .cpuprofile (nodes with call frames and children, samples, timeDeltas in µs) and
// says where the time went: self time by function with its callers, and by package.
import type { Profiler, Runtime } from 'node:inspector';

export type CpuProfile = Profiler.Profile;

export type ProfileSummary = Readonly<{
  sampledMs: number;
  idlePct: number;
  programPct: number;
  gcPct: number;
  byPackage: readonly Readonly<{ package: string; selfPct: number }>[];
  topSelf: readonly Readonly<{
    function: string;
    package: string;
    selfPct: number;
    callers: readonly Readonly<{ caller: string; pctOfFunction: number }>[];
  }>[];
  topInclusive: readonly Readonly<{ function: string; inclusivePct: number }>[];
}>;

export type SummaryWindow = Readonly<{
  /** From and to, in the profile's clock (CLOCK_MONOTONIC µs, as process.hrtime). */
  fromUs?: number;
  toUs?: number;
  top?: number;
  callerDepth?: number;
}>;

type SpecialFrame = '(idle)' | '(program)' | '(garbage collector)';

/** Where a script lives, coarsely: which package or part of Node a frame belongs to. */
export function packageOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm?.[1] !== undefined) return pnpm[1];
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  const workspace = /packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (workspace !== null) return `@flashsale/${workspace[1]}`;
  return url.replace(/^file:\/\//, '');
}

const frameKey = ({ functionName, url, lineNumber }: Runtime.CallFrame) =>
  `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/packages\//, 'packages/');
}

/** Self time per function (with its callers) and per package, from the samples in the window. */
export function summarizeProfile(
  profile: CpuProfile,
  {
    fromUs = Number.NEGATIVE_INFINITY,
    toUs = Number.POSITIVE_INFINITY,
    top = 25,
    callerDepth = 3,
  }: SummaryWindow = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const samples = profile.samples ?? [];
  const timeDeltas = profile.timeDeltas ?? [];

  const selfUs = new Map<number, number>(); // node id → µs
  let timeUs = profile.startTime;
  let totalUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const deltaUs = timeDeltas[i] ?? 0;
    const sample = samples[i] ?? -1;
    timeUs += deltaUs;
    if (timeUs < fromUs || timeUs > toUs) continue;
    // A sample's time runs until the next sample; charge it the next delta (the usual convention).
    const spanUs = timeDeltas[i + 1] ?? deltaUs;
    selfUs.set(sample, (selfUs.get(sample) ?? 0) + spanUs);
    totalUs += spanUs;
  }

  const callFrameOf = (id: number) => byId.get(id)?.callFrame;
  /** Frame keys of a node's callers, nearest first, without the (root) frame. */
  const ancestorsOf = (id: number) => {
    const frames: string[] = [];
    for (let parent = parentOf.get(id); parent !== undefined; parent = parentOf.get(parent)) {
      const callFrame = callFrameOf(parent);
      if (callFrame !== undefined && callFrame.functionName !== '(root)') frames.push(frameKey(callFrame));
    }
    return frames;
  };
  const inclusive = new Map<string, number>();
  const functions = new Map<string, { selfUs: number; package: string; callers: Map<string, number> }>();
  const packages = new Map<string, number>();
  const special: Record<SpecialFrame, number> = { '(idle)': 0, '(program)': 0, '(garbage collector)': 0 };
  const isSpecial = (name: string): name is SpecialFrame => Object.hasOwn(special, name);
  for (const [id, us] of selfUs) {
    const callFrame = callFrameOf(id);
    if (callFrame === undefined) continue;
    if (isSpecial(callFrame.functionName) && callFrame.url === '') {
      special[callFrame.functionName] += us;
      continue;
    }
    const key = frameKey(callFrame);
    let entry = functions.get(key);
    if (entry === undefined) {
      entry = { selfUs: 0, package: packageOf(callFrame.url), callers: new Map() };
      functions.set(key, entry);
    }
    entry.selfUs += us;
    const callerKey = ancestorsOf(id).slice(0, callerDepth).join(' <- ') || '(root)';
    entry.callers.set(callerKey, (entry.callers.get(callerKey) ?? 0) + us);
    packages.set(entry.package, (packages.get(entry.package) ?? 0) + us);
    // Inclusive time: every function on the stack once (recursion counted once).
    for (const frame of new Set([key, ...ancestorsOf(id)]))
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
  }

  const share = (us: number) => Math.round((us / totalUs) * 1000) / 10;
  return {
    sampledMs: Math.round(totalUs / 1000),
    idlePct: share(special['(idle)']),
    programPct: share(special['(program)']),
    gcPct: share(special['(garbage collector)']),
    byPackage: [...packages]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ package: name, selfPct: share(us) })),
    topSelf: [...functions]
      .sort((a, b) => b[1].selfUs - a[1].selfUs)
      .slice(0, top)
      .map(([name, entry]) => ({
        function: name,
        package: entry.package,
        selfPct: share(entry.selfUs),
        callers: [...entry.callers]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([caller, us]) => ({ caller, pctOfFunction: Math.round((us / entry.selfUs) * 100) })),
      })),
    topInclusive: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top * 2)
      .map(([name, us]) => ({ function: name, inclusivePct: share(us) })),
  };
}

export function renderProfileSummary(summary: ProfileSummary): string {
  const lines = [
    `sampled ${summary.sampledMs} ms of the measured window: idle ${summary.idlePct}%, GC ${summary.gcPct}%, (program) ${summary.programPct}%`,
    '',
    'self time by package (% of the window):',
    ...summary.byPackage.slice(0, 15).map((p) => `  ${String(p.selfPct).padStart(5)}%  ${p.package}`),
    '',
    "top functions by self time (% of the window), with their callers (% of that function's self time):",
  ];
  for (const f of summary.topSelf) {
    lines.push(`  ${String(f.selfPct).padStart(5)}%  ${f.function}  [${f.package}]`);
    for (const c of f.callers) lines.push(`           <- ${c.pctOfFunction}% ${c.caller}`);
  }
  lines.push('', 'top functions by inclusive time (on the stack, % of the window):');
  for (const f of summary.topInclusive) lines.push(`  ${String(f.inclusivePct).padStart(5)}%  ${f.function}`);
  return lines.join('\n');
}
