import { defineConfig } from 'vitest/config';

// Unit and integration tests: plain Node, real files in temp dirs, real loopback HTTP to the sandbox.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
