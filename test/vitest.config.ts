import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // Worker-pool and database tests spawn threads and processes: forks keep them isolated.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // `{ tags: ['slow'] }` marks the few tests that run OCR, a terminal, workers or uploads; a quick run
    // leaves them out with `--tags-filter='!slow'`.
    tags: [{ name: 'slow', description: 'OCR, terminal, worker and upload tests: few and small, seconds each' }],
  },
});
