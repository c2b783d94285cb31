import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { TEST_DEFAULTS } from './vitest.config.js';

/**
 * `npm run test:fast` (`--tags-filter '!slow'`): the core and the unit tests, outside the fixture
 * generator's own tests, for the inner loop. No build first: none of them spawns the CLI. `npm test` runs
 * everything.
 */
export default defineConfig({
  root: TEST_DEFAULTS.root,
  test: {
    ...TEST_DEFAULTS.test,
    exclude: [...TEST_DEFAULTS.test.exclude, 'test/fixtures/**'],
    // One module graph per worker instead of one process per file: these files start no child processes
    // and leave nothing behind, and forking a process for each of them was half the time.
    isolate: false,
    // Vitest's default (one worker per core but one) runs these files one after another on 2 cores; they
    // wait on PostgreSQL and Chroma much of the time, so two at once take ~25 s instead of ~35.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
