// `pnpm build`: compiles every package (tsc -b), copies the .lua and .sql assets next to the
// emitted .js, and stamps the moment the build started (see build-state.mjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { markBuilt } from './build-state.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds the tree at `root`; `stdio` of the steps ('inherit', or stderr only to keep stdout clean). */
export function build(stdio = 'inherit') {
  const startedAtMs = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const steps = [[tsc, '-b'], [fileURLToPath(new URL('./copy-assets.mjs', import.meta.url))]];
  for (const args of steps) {
    const result = spawnSync(process.execPath, args, { cwd: root, stdio });
    if (result.status !== 0) return result.status ?? 1;
  }
  markBuilt(root, startedAtMs);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = build();
