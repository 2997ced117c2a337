import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, not their build.
    alias: {
      '@flashsale/cli': src('cli', 'index.ts'),
      '@flashsale/harness': src('harness', 'index.ts'),
      '@flashsale/protocol': src('protocol', 'index.ts'),
      '@flashsale/server': src('server', 'index.ts'),
      '@flashsale/sim': src('sim', 'index.ts'),
    },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'packages/*/test/**/*.test.tsx',
      'bench/test/**/*.test.ts',
      'scripts/**/*.test.mjs',
    ],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one file at a time on this 2-core box (cores - 1). Most files spend their
    // time waiting on something (a service starting, holds lapsing, a sale period opening), so three
    // run at once. Each file owns its database and Redis key prefix, and starts whatever it restarts
    // (redis-server, the service) on ports of its own, so files do not see each other; the load
    // tests assert outcomes and invariants, never speed, so a busier box makes them slower, not red.
    // The files run in the order found, packages/cli first: the longest (chaos, run, redis-cluster,
    // black-box) start early instead of making a tail.
    maxWorkers: 3,
  },
});
