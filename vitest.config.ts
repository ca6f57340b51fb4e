import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that build real namespaces and measure real packets (bandwidth within ±15 %, flows across a
 * kill -9): they run after everything else, one file at a time, so that the other files' CPU load
 * cannot distort what they measure on a 2-core machine.
 */
const DATAPLANE = ['packages/server/src/dataplane/linux/**/*.test.ts', 'test/e2e/dataplane*.test.ts'];

export default defineConfig({
  resolve: {
    // Tests run against the sources of the workspace packages, not their built dist.
    alias: {
      '@peerlink/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)),
      '@peerlink/server': fileURLToPath(new URL('./packages/server/src/index.ts', import.meta.url)),
    },
  },
  test: {
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...DATAPLANE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'dataplane', include: DATAPLANE, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
