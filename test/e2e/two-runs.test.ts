import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import {
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { copyDelivered } from '../support/delivered-files.js';

describe.each(DATABASE_KINDS)('two ingests started at the same instant on %s', { tags: ['slow'] }, (kind) => {
  let cwd: string;
  let database: TestDatabase;
  beforeEach(async () => {
    cwd = createTempDir('tecsalud-two-');
    copyDelivered(SAMPLE_DIR, path.join(cwd, 'drop'));
    database = await createTestDatabase(kind);
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', database.url], { cwd })).code).toBe(0);
  });
  afterEach(async () => {
    await database.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('lets exactly one proceed; the other exits 75 naming the holder', async () => {
    // PostgreSQL holds no embedded vectors: full text only there, which is all the lock needs.
    const args = ['ingest', 'drop', '--db', database.url, '--non-interactive', '--json'];
    if (kind === 'postgres') args.push('--type', 'complete');
    const [a, b] = await Promise.all([runCli(args, { cwd }), runCli(args, { cwd })]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([ExitCode.SomeFailed, ExitCode.Locked].sort());
    const loser = a.code === ExitCode.Locked ? a : b;
    const winner = loser === a ? b : a;
    expect(loser.stderr).toMatch(
      /another run is already processing .*drop on this database \(pid \d+ on .+, started /,
    );
    // stdout holds only JSON: the refusal, for a script that reads it.
    expect(JSON.parse(loser.stdout)).toEqual({
      error: {
        message: expect.stringMatching(/^another run is already processing /),
        hint: expect.any(String),
        exit_code: 75,
      },
    });
    expect(JSON.parse(winner.stdout).processed_files).toBe(23);
    // The lock is released: the next run proceeds (every file a duplicate or already waiting).
    const next = await runCli(args, { cwd });
    expect(next.code).toBe(ExitCode.SomeFailed);
    expect(JSON.parse(next.stdout).duplicates).toBe(18);
  });
});
