import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { ExitCode } from '../../src/errors.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

/**
 * The SQLite registry's storage refusing writes, through the built CLI: another program keeping the database
 * locked, and the disk under it failing mid-run (a file-size limit: SQLite's writes past it fail as on a full
 * or failing disk). Either stops the run with a message that says what happened and how to go on — never
 * "internal error" with a stack trace — and the files are not blamed: none is failed for it, the files not
 * done stay for the next run, which finishes them.
 */

interface Report {
  session_id: string;
  status: string;
  files: { path: string; outcome: string; error: string | null }[];
}

let root: string;
let corpusDir: string;
let registryCsv: string;
let corpusFiles: number;

beforeAll(async () => {
  root = createTempDir('tecsalud-storage-');
  corpusDir = path.join(root, 'drop');
  registryCsv = path.join(root, 'registry.csv');
  const manifest = await writeCorpus({
    out: corpusDir,
    files: 40,
    seed: 5,
    minPages: 2,
    maxPages: 8,
    registryFile: registryCsv,
    manifestFile: path.join(root, 'manifest.json'),
  });
  corpusFiles = manifest.files.length;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function freshRegistry(name: string): Promise<string> {
  const db = path.join(root, `${name}.db`);
  expect((await runCli(['patients', 'import', registryCsv, '--db', db], { cwd: root })).code).toBe(0);
  return db;
}

function report(run: RunResult): Report {
  return JSON.parse(run.stdout) as Report;
}

function fileStates(db: string): Record<string, number> {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = handle
      .prepare('select processing_status as state, count(*) as n from batch_files group by 1')
      .all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.state, row.n]));
  } finally {
    handle.close();
  }
}

function expectPlainError(run: RunResult, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/^hint: .*run the same command again/m);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('the database storage refusing writes', { tags: ['slow'] }, () => {
  it('another program keeps the database locked: exit 75 after the busy timeout, saying so, nothing recorded; then it runs', async () => {
    const db = await freshRegistry('locked');
    const other = new Database(db);
    other.exec('BEGIN EXCLUSIVE');
    let locked: RunResult;
    try {
      locked = await runCli(['ingest', corpusDir, '--db', db, '--non-interactive'], {
        cwd: root,
        timeoutMs: 60_000,
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(locked.code).toBe(ExitCode.Locked);
    expectPlainError(
      locked,
      /^error: the database '.*locked\.db' is locked by another program, which kept a write open for more than 15 s$/m,
    );
    expect(locked.stderr).toMatch(/^hint: close what is writing to it \(an sqlite3 shell/m);
    expect(fileStates(db)).toEqual({});

    const again = await runCli(['ingest', corpusDir, '--db', db, '--non-interactive', '--json'], {
      cwd: root,
    });
    expect([ExitCode.Success, ExitCode.ReviewPending]).toContain(again.code);
    expect(report(again).files).toHaveLength(corpusFiles);
  }, 120_000);

  it('the disk fails mid-run: exit 69 naming the database, no file failed for it, the re-run finishes every file once', async () => {
    const db = await freshRegistry('disk');
    // SQLite's writes past 3.5 MB fail (the embedded vector store's first block of vectors alone takes 2 MB);
    // with SIGXFSZ ignored, as a full or failing disk they return an error instead of killing the process.
    const limitedDisk = ['bash', '-c', 'trap "" XFSZ; ulimit -f 3500; exec "$0" "$@"'];
    const down = await runCli(
      ['ingest', corpusDir, '--db', db, '--non-interactive', '--json', '--store-batch-size', '2'],
      {
        cwd: root,
        wrapper: limitedDisk,
      },
    );
    expect(down.code).toBe(ExitCode.ServiceUnavailable);
    expectPlainError(
      down,
      /^error: the database '.*disk\.db' could not be read or written: the disk or network share under it failed \(SQLITE_IOERR_WRITE\)$/m,
    );
    const first = report(down).files.filter((file) => ['ingested', 'review_required'].includes(file.outcome));
    // Some files were stored before the disk failed; none is failed for it, in the report or in the database.
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(corpusFiles);
    // The rest are listed as left by the stop (when the database could still list them), never as failed.
    expect(
      report(down).files.filter(
        (file) => !['ingested', 'review_required', 'interrupted'].includes(file.outcome),
      ),
    ).toEqual([]);
    expect(fileStates(db).failed).toBeUndefined();

    const again = await runCli(['ingest', corpusDir, '--db', db, '--non-interactive', '--json'], {
      cwd: root,
    });
    expect([ExitCode.Success, ExitCode.ReviewPending]).toContain(again.code);
    const second = report(again).files;
    expect(second.filter((file) => file.outcome === 'failed' || file.error?.includes('I/O'))).toEqual([]);
    // The re-run finishes the stopped session: the first run's files as done (not duplicates), the rest now.
    expect(report(again).session_id).toBe(report(down).session_id);
    const stored = second
      .filter((file) => ['ingested', 'review_required'].includes(file.outcome))
      .map((file) => file.path);
    expect(stored).toHaveLength(corpusFiles);
    expect(first.map((file) => file.path).filter((name) => !stored.includes(name))).toEqual([]);
    // Every file stored exactly once.
    const handle = new Database(db, { readonly: true });
    try {
      const documents = handle.prepare('select count(*) as n from medical_documents').get() as { n: number };
      const ingested = second.filter((file) => file.outcome === 'ingested').length;
      expect(documents.n).toBe(ingested);
    } finally {
      handle.close();
    }
  }, 120_000);
});
