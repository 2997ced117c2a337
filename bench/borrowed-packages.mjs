// The bench borrows its libraries from the workspace packages that depend on them already (pg,
// ioredis and cli-table3 from cli, hdr-histogram-js from sim) rather than adding the same
// dependencies to the workspace root.
import { createRequire } from 'node:module';

const requireFromCli = createRequire(new URL('../packages/cli/package.json', import.meta.url));
const requireFromSim = createRequire(new URL('../packages/sim/package.json', import.meta.url));

export const pg = requireFromCli('pg');
export const { Redis } = requireFromCli('ioredis');
export const Table = requireFromCli('cli-table3');
export const hdr = requireFromSim('hdr-histogram-js');
