// Builds only when a source changed since the last build (install builds once, in `prepare`), so
// `pnpm flashsale` on an unchanged tree starts the CLI at once.
import { isBuildStale } from './build-state.mjs';

/** Runs `runBuild` when the tree at `root` is stale; returns its exit code (0 when nothing to do). */
export function buildIfStale(root, runBuild) {
  if (!isBuildStale(root)) return 0;
  process.stderr.write('flashsale: sources changed since the last build; building first\n');
  return runBuild();
}
