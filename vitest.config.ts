import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and socket tests start real servers and a real Chromium: keep the 2-core machine calm.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
