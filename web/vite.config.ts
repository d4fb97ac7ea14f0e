import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The hub builds this bundle itself at start (src/platform/http/web-console.ts) and serves web/dist.
// For live editing: `npx vite web` with a hub running on :8080 (API calls are proxied to it).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under /assets are cached for a year by the hub; index.html is never cached.
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // The shared message catalogs live in src/platform/i18n, outside this folder.
    fs: { allow: ['..'] },
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
