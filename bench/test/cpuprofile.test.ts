import type { Profiler } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { packageOf, summarizeProfile } from '../src/cpuprofile.js';

describe('where a profile frame belongs', () => {
  it.each([
    ['', '(native / V8)'],
    ['node:internal/streams/readable', 'node: internals'],
    ['file:///w/node_modules/.pnpm/ioredis@5.11.1/node_modules/ioredis/built/Redis.js', 'ioredis'],
    ['file:///w/node_modules/.pnpm/@types+x@1/node_modules/@scope/pkg/index.js', '@scope/pkg'],
    ['file:///w/node_modules/pg/lib/client.js', 'pg'],
    ['file:///w/packages/server/dist/http/routes.js', '@flashsale/server'],
    ['file:///w/scripts/build.mjs', '/w/scripts/build.mjs'],
  ])('%s is %s', (url, expected) => {
    expect(packageOf(url)).toBe(expected);
  });
});

describe('a profile summary', () => {
  const frame = (
    functionName: string,
    url = 'file:///w/packages/server/dist/http/routes.js',
    lineNumber = 0,
  ) => ({
    functionName,
    url,
    lineNumber,
    columnNumber: 0,
    scriptId: '1',
  });
  // (root) → handle → parse; (root) → (idle); (root) → (garbage collector); (root) → toString (native)
  const profile: Profiler.Profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 4, 5, 6] },
      { id: 2, callFrame: frame('handle'), children: [3] },
      { id: 3, callFrame: frame('parse', 'file:///w/node_modules/pg/lib/result.js', 9) },
      { id: 4, callFrame: frame('(idle)', '') },
      { id: 5, callFrame: frame('(garbage collector)', '') },
      { id: 6, callFrame: frame('toString', '') },
    ],
    startTime: 0,
    endTime: 1000,
    // Ten samples 100 µs apart: parse 4, handle 2, idle 2, GC 1, toString 1.
    samples: [3, 3, 3, 3, 2, 2, 4, 4, 5, 6],
    timeDeltas: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
  };

  it('charges self time by function and package, with callers, and keeps idle and GC apart', () => {
    const summary = summarizeProfile(profile);
    expect(summary).toMatchObject({ sampledMs: 1, idlePct: 20, gcPct: 10, programPct: 0 });
    expect(summary.byPackage).toEqual([
      { package: 'pg', selfPct: 40 },
      { package: '@flashsale/server', selfPct: 20 },
      { package: '(native / V8)', selfPct: 10 },
    ]);
    expect(summary.topSelf[0]).toEqual({
      function: 'parse /w/node_modules/pg/lib/result.js:10',
      package: 'pg',
      selfPct: 40,
      callers: [{ caller: 'handle packages/server/dist/http/routes.js:1', pctOfFunction: 100 }],
    });
    expect(summary.topInclusive[0]).toEqual({
      function: 'handle packages/server/dist/http/routes.js:1',
      inclusivePct: 60,
    });
  });

  it('counts only the samples inside the window', () => {
    expect(summarizeProfile(profile, { fromUs: 450, toUs: 850 }).byPackage).toEqual([
      { package: '@flashsale/server', selfPct: 50 },
    ]);
  });
});
