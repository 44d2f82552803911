// Test runner configuration: every test/**/*.test.ts, in child processes (a crash or a runaway stack in a
// compiled module ends one worker, not the run), at most two at a time for the 2-core machines of the
// project and its CI. The spec suite sets its own per-file timeouts (test/spec/spec.test.ts).

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every module the tests compile also passes the generated-code check (compiler/emit/check.ts).
    env: { WAJIT_CHECK_CODE: '1' },
    pool: 'forks',
    maxWorkers: 2,
    // Generous: CI runs on a shared 2-core machine; a test that is merely slow must not fail for it.
    testTimeout: 120_000,
    // The CLI tests build dist/ with tsc in a beforeAll when it is missing or stale.
    hookTimeout: 180_000,
    teardownTimeout: 10_000,
    slowTestThreshold: 5_000,
  },
});
