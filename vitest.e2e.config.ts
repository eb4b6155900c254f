import { defineConfig } from 'vitest/config';

// End-to-end: Playwright drives Debian's Chromium through the browser preview host.
// One file at a time: two cores, and each file starts its own host + Chromium.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // A poll waits for what the page really shows. Vitest's default of 1 s is shorter than a render after a
    // real round trip through the preview host on a loaded two-core machine; a condition that never comes
    // still fails, only later.
    expect: { poll: { timeout: 10_000 } },
  },
});
