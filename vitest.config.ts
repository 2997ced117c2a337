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
  },
});
