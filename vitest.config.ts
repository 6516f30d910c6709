import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'collector/**/*.test.ts', 'receivers/**/*.test.ts', 'processors/**/*.test.ts', 'exporters/**/*.test.ts', 'hooks/**/*.test.ts', 'web/**/*.test.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
    // Each file starts its own servers; two cores do not gain from more parallel files.
    maxWorkers: 2,
  },
});
