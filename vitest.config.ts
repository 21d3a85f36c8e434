import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // better-sqlite3 is a native module: forks isolate it more reliably than worker threads.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
