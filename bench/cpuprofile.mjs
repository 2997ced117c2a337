// Reads a V8 .cpuprofile (nodes with call frames and children, samples, timeDeltas in µs) and
// says where the time went: self time by function with its callers, and by package.

/** Where a script lives, coarsely: which package or part of Node a frame belongs to. */
export function packageOf(url) {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm !== null) return pnpm[1];
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1];
  const workspace = /packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (workspace !== null) return `@flashsale/${workspace[1]}`;
  return url.replace(/^file:\/\//, '');
}

const frameKey = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;

function shortUrl(url) {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/packages\//, 'packages/');
}

/**
 * Self time per function (with its callers) and per package, from the samples whose time falls
 * in [fromUs, toUs] of the profile's clock (CLOCK_MONOTONIC µs, as process.hrtime), or all.
 */
export function summarizeProfile(
  profile,
  { fromUs = -Infinity, toUs = Infinity, top = 25, callerDepth = 3 } = {},
) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const selfUs = new Map(); // node id → µs
  let timeUs = profile.startTime;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    timeUs += deltaUs;
    if (timeUs < fromUs || timeUs > toUs) continue;
    // A sample's time runs until the next sample; charge it the next delta (the usual convention).
    const spanUs = profile.timeDeltas[i + 1] ?? deltaUs;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + spanUs);
    totalUs += spanUs;
  }

  /** Frame keys of a node's callers, nearest first, without the (root) frame. */
  const ancestorsOf = (id) => {
    const frames = [];
    for (let parent = parentOf.get(id); parent !== undefined; parent = parentOf.get(parent)) {
      const { callFrame } = byId.get(parent);
      if (callFrame.functionName !== '(root)') frames.push(frameKey(callFrame));
    }
    return frames;
  };
  const inclusive = new Map();
  const functions = new Map(); // frame key → { selfUs, package, callers: Map }
  const packages = new Map();
  const special = { '(idle)': 0, '(program)': 0, '(garbage collector)': 0 };
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName in special && callFrame.url === '') {
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

  const share = (us) => Math.round((us / totalUs) * 1000) / 10;
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

export function renderProfileSummary(summary) {
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
