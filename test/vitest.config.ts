import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/** What `npm test` and `npm run test:fast` share. */
export const TEST_DEFAULTS = {
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    tags: [
      {
        name: 'slow',
        description:
          'starts extraction or OCR processes, ingests a folder, spawns the CLI or a terminal: left out of npm run test:fast',
      },
    ],
  },
};

export default defineConfig({
  root: TEST_DEFAULTS.root,
  test: {
    ...TEST_DEFAULTS.test,
    // Worker-pool and database tests spawn threads and processes: forks keep them isolated.
    pool: 'forks',
    // The end-to-end tests spawn the built CLI: rebuild it first when src/ changed since.
    globalSetup: ['test/global-setup.ts'],
  },
});
