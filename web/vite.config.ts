import path from 'node:path';
import { defineConfig } from 'vite';

/** The web app is built into web/dist and served by the Express server (no CDN, no external requests). */
export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4000, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080' } },
});
