import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    pool: 'forks',
    // Two cores: more parallel files only fight over the CPU and the shared PostgreSQL/Redis.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits 1 s by default: too short for a browser page on a loaded 2-core machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
