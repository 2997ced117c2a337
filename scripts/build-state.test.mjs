// `pnpm flashsale` builds only when the sources changed since the last build: an unchanged tree
// is not rebuilt, and touching a source, adding or removing one, or editing a package's config is.
// The tree is a small copy of the repository's layout; times are set, never waited for.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIfStale } from './build-if-stale.mjs';
import { markBuilt } from './build-state.mjs';

const t0 = Date.parse('2026-01-01T00:00:00Z');

let root;
let builds;
/** A build as build.mjs does it: it starts at `nowMs` and stamps that moment when it succeeds. */
let nowMs;
const runBuild = () => {
  builds += 1;
  markBuilt(root, nowMs);
  return 0;
};

function write(path, text, atMs = t0) {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, atMs / 1000, atMs / 1000);
}

function setFolderTimes(atMs) {
  for (const dir of ['packages/server/src', 'packages/server/src/admission', 'packages/cli/src'])
    utimesSync(join(root, dir), atMs / 1000, atMs / 1000);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flashsale-build-state-'));
  builds = 0;
  write('tsconfig.base.json', '{}');
  for (const name of ['server', 'cli']) {
    write(`packages/${name}/package.json`, '{}');
    write(`packages/${name}/tsconfig.json`, '{}');
  }
  write('packages/server/src/index.ts', 'export {};');
  write('packages/server/src/admission/checkout.lua', '-- KEYS');
  write('packages/cli/src/main.ts', 'export {};');
  setFolderTimes(t0);
  nowMs = t0 + 60_000;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('buildIfStale', () => {
  it('builds a tree never built, then not again while nothing changes', () => {
    expect(buildIfStale(root, runBuild)).toBe(0);
    expect(buildIfStale(root, runBuild)).toBe(0);
    expect(buildIfStale(root, runBuild)).toBe(0);
    expect(builds).toBe(1);
  });

  it.each([
    ['a TypeScript source touched', () => write('packages/cli/src/main.ts', 'export {};', t0 + 120_000)],
    [
      'a Lua asset edited',
      () => write('packages/server/src/admission/checkout.lua', '-- ARGV', t0 + 120_000),
    ],
    ['a package.json edited', () => write('packages/server/package.json', '{ }', t0 + 120_000)],
    ['the base tsconfig edited', () => write('tsconfig.base.json', '{ }', t0 + 120_000)],
    [
      'a source removed (its folder changes)',
      () => {
        rmSync(join(root, 'packages/server/src/admission/checkout.lua'));
        utimesSync(join(root, 'packages/server/src/admission'), (t0 + 120_000) / 1000, (t0 + 120_000) / 1000);
      },
    ],
  ])('rebuilds once after %s', (_name, change) => {
    buildIfStale(root, runBuild);
    change();
    nowMs = t0 + 180_000;
    buildIfStale(root, runBuild);
    buildIfStale(root, runBuild);
    expect(builds).toBe(2);
  });

  it('a source saved while the build ran is newer than that build: the next call builds again', () => {
    nowMs = t0 + 60_000; // the build starts here ...
    buildIfStale(root, runBuild);
    write('packages/cli/src/main.ts', 'export const late = 1;', t0 + 61_000); // ... and this lands during it
    expect(buildIfStale(root, runBuild)).toBe(0);
    expect(builds).toBe(2);
  });

  it('passes a failed build on as its exit code, and tries again next time', () => {
    const failing = () => {
      builds += 1;
      return 2;
    };
    expect(buildIfStale(root, failing)).toBe(2);
    expect(buildIfStale(root, failing)).toBe(2);
    expect(builds).toBe(2);
  });
});
