import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
