// `pnpm flashsale ...`: the CLI of this checkout, rebuilt first only when its sources changed.
// One process: the CLI reads its arguments from process.argv as when started directly. The
// build's own output goes to stderr, keeping the command's stdout (a --json report) clean.
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = buildIfStale(root, () => build(['ignore', 2, 2]));
if (built === 0) await import('../packages/cli/dist/main.js');
else process.exitCode = built;
