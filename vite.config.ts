/**
 * The dashboard build. `npm run build` writes dist/web, which the server serves at /;
 * `npm run dev` runs this dev server with hot reload and proxies the API to the collector.
 */
import { defineConfig } from 'vite';

const api = process.env.AGENTSTATS_URL ?? 'http://127.0.0.1:3141';

export default defineConfig({
  root: 'web',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the app is opened from localhost, so a split buys nothing.
    chunkSizeWarningLimit: 400,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      // SSE through the proxy: no timeout, no buffering.
      '/api': { target: api, changeOrigin: false, timeout: 0, proxyTimeout: 0 },
    },
  },
});
