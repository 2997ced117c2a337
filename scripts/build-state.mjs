// Whether the build is older than its sources. `pnpm build` stamps the moment it started (a file's
// mtime under node_modules/.cache); the build is stale when a source, an asset or a package's
// config changed after that moment, or a file was added or removed (its folder's mtime moves).
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function stampPathOf(root) {
  return join(root, 'node_modules', '.cache', 'flashsale', 'build-stamp');
}

/** The newest mtime (ms) among what the build reads: packages/*\/src/** and the build configs. */
export function newestSourceMs(root) {
  let newest = mtimeMs(join(root, 'tsconfig.base.json'));
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir)) {
    const dir = join(packagesDir, name);
    for (const file of ['package.json', 'tsconfig.json']) newest = Math.max(newest, mtimeMs(join(dir, file)));
    newest = Math.max(newest, newestInTree(join(dir, 'src')));
  }
  return newest;
}

export function isBuildStale(root) {
  const builtAtMs = mtimeMs(stampPathOf(root));
  return builtAtMs === 0 || newestSourceMs(root) > builtAtMs;
}

/** Records that a build which started at `startedAtMs` succeeded. */
export function markBuilt(root, startedAtMs) {
  const stamp = stampPathOf(root);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${new Date(startedAtMs).toISOString()}\n`);
  utimesSync(stamp, startedAtMs / 1000, startedAtMs / 1000);
}

function newestInTree(dir) {
  let newest = mtimeMs(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest; // no such folder: nothing to build from it
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestInTree(path) : mtimeMs(path));
  }
  return newest;
}

/** 0 for a file that does not exist. */
function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
