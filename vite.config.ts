import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Builds the renderer only. Electron's main and preload are bundled by scripts/build-electron.ts.
// `base: './'` keeps asset URLs relative so the same build works from app://pos/ and the preview host.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No inline scripts or styles: the production CSP forbids them.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // One bundle loaded from the local disk (app://), never over a network: its size costs a few ms at
    // start, and splitting it would only add requests. The warning's default (500 kB) is for websites.
    chunkSizeWarningLimit: 1500,
  },
});
