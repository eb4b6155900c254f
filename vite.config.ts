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
  },
});
