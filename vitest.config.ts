import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Store suites share one PostgreSQL server; each test file uses its own schema, so files may run in parallel.
    pool: 'forks',
  },
});
