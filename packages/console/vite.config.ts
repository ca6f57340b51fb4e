import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by the Peerlink server at /console/ (packages/server/src/http/console.ts).
 * `npm run dev -w @peerlink/console` serves it with hot reload instead, forwarding /api to a
 * running server (PEERLINK_CONSOLE_API, http://127.0.0.1:8080 by default), so the session cookie
 * stays first-party.
 */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    // The Peerlink API and the BCE API (the VPC peering screens sign /v1 calls in the page).
    proxy: Object.fromEntries(
      ['/api', '/v1'].map((prefix) => [prefix, process.env.PEERLINK_CONSOLE_API ?? 'http://127.0.0.1:8080']),
    ),
  },
});
