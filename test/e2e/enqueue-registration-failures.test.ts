import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DAC_OVERRIDE, runCli } from '../support/cli-binary.js';
import { dateBack } from '../support/delivered-files.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';

const GOOD = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const EMPTY = '3000016374_RÍOS CORONADO, CÉSAR_6482601208_LAB.pdf';
const HTML = '3000016374_RÍOS CORONADO, CÉSAR_6482601209_LAB.pdf';
const LARGE = '3000016374_RÍOS CORONADO, CÉSAR_6482601210_LAB.pdf';
const LOCKED = '3000016374_RÍOS CORONADO, CÉSAR_6482601211_LAB.pdf';
const MISNAMED = 'RIOS CORONADO CESAR CONS.pdf';
const BROKEN = [EMPTY, HTML, LARGE, LOCKED, MISNAMED];

interface FileJson {
  path: string;
  outcome: string;
  error: string | null;
}
interface EnqueueJson {
  session_id: string;
  status: string;
  jobs_queued: number;
  total_files: number;
  failed_files: number;
  files: FileJson[];
}

/** Each file as `path → [outcome, error]`, for the files that are not ingested. */
const failures = (files: FileJson[]) =>
  Object.fromEntries(
    files
      .filter((file) => file.outcome !== 'ingested')
      .map((file) => [file.path, [file.outcome, file.error]]),
  );

/**
 * `ingest DIR --enqueue` fails at registration the files `ingest DIR` fails before matching — a bad name, an empty,
 * not-a-PDF, over-size or unreadable file — with the same outcome and words, queues none of them, and exits 3 as
 * the run does. Through the built CLI, on the PostgreSQL the queue needs; the run's report comes from a SQLite
 * registry beside it.
 */
describe.runIf(postgresWanted())(
  'ingest --enqueue of a folder with files the run fails',
  { tags: ['slow'] },
  () => {
    let workspace: PostgresWorkspace;
    let reference: Record<string, unknown>;

    beforeAll(async () => {
      workspace = await createPostgresWorkspace('tecsalud-enqueue-refused-', (drop) => {
        const pdf = fs.readFileSync(path.join(SAMPLE_DIR, GOOD));
        fs.writeFileSync(path.join(drop, GOOD), pdf);
        fs.writeFileSync(path.join(drop, MISNAMED), pdf);
        fs.writeFileSync(path.join(drop, EMPTY), '');
        fs.writeFileSync(path.join(drop, HTML), '<!DOCTYPE html><html><body>Resultado</body></html>');
        // A whole PDF, over the --max-file-size of 64KB below.
        fs.writeFileSync(path.join(drop, LARGE), Buffer.concat([pdf, Buffer.alloc(100 * 1024, 0x20)]));
        fs.writeFileSync(path.join(drop, LOCKED), pdf);
        dateBack(drop);
        fs.chmodSync(path.join(drop, LOCKED), 0o000);
      });
      // The reference: what `ingest DIR` records for the same files.
      const cwd = workspace.cwd;
      expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'run.db'], { cwd })).code).toBe(0);
      const run = await cli(['--db', 'run.db', '--non-interactive', '--json']);
      expect(run.code, run.stderr).toBe(3);
      reference = failures((JSON.parse(run.stdout) as { files: FileJson[] }).files);
      expect(Object.keys(reference).sort()).toEqual([...BROKEN].sort());
    }, 120_000);
    afterAll(async () => {
      fs.chmodSync(path.join(workspace.drop, LOCKED), 0o600);
      await workspace.cleanup();
    });

    function cli(extra: string[]) {
      return runCli(['ingest', 'drop', '--type', 'complete', '--max-file-size', '64KB', ...extra], {
        ...workspace,
        wrapper: NO_DAC_OVERRIDE,
      });
    }

    it('records them failed with the run’s outcome and words, queues only the good file and exits 3', async () => {
      const enqueued = await cli(['--enqueue', '--json']);
      expect(enqueued.code, enqueued.stderr).toBe(3);
      const report = JSON.parse(enqueued.stdout) as EnqueueJson;
      expect(report).toMatchObject({ status: 'processing', jobs_queued: 1, total_files: 6, failed_files: 5 });
      expect(failures(report.files)).toEqual(reference);

      // The database says the same while the job waits, and the worker has one file to do.
      const status = await runCli(['status', report.session_id, '--json'], workspace);
      const recorded = JSON.parse(status.stdout) as { failed_files: number; files: FileJson[] };
      expect(recorded.failed_files).toBe(5);
      expect(failures(recorded.files.filter((file) => file.outcome !== null))).toEqual(reference);
      const worker = await runCli(['worker', '--until-idle', '--json'], {
        ...workspace,
        wrapper: NO_DAC_OVERRIDE,
      });
      expect(worker.code, worker.stderr).toBe(0);
      expect(JSON.parse(worker.stdout)).toMatchObject({ files: 1, outcomes: { ingested: 1 } });
      const after = await runCli(['status', report.session_id, '--json'], workspace);
      expect(JSON.parse(after.stdout)).toMatchObject({ status: 'partially_failed', failed_files: 5 });
    }, 120_000);

    it('says so in words, in English and Spanish, and exits 3 with nothing to queue', async () => {
      // The good file is ingested now: settled from memory, nothing is queued and the session closes at once.
      const english = await cli(['--enqueue', '--lang', 'en']);
      expect(english.code, english.stderr).toBe(3);
      const short = /Session (\w{8})/.exec(english.stdout)?.[1];
      expect(english.stdout).toContain(
        `5 files failed: \`tecsalud-batch status ${short} --files\` shows why.`,
      );
      const spanish = await cli(['--enqueue', '--lang', 'es', '--json']);
      expect(spanish.code, spanish.stderr).toBe(3);
      const report = JSON.parse(spanish.stdout) as EnqueueJson;
      expect(report).toMatchObject({ jobs_queued: 0, failed_files: 5, status: 'partially_failed' });
      const { [GOOD]: good, ...broken } = failures(report.files);
      expect(broken).toEqual(reference);
      expect(good?.[0]).toBe('duplicate');
      const text = await cli(['--enqueue', '--lang', 'es']);
      expect(text.stdout).toMatch(
        /5 archivos fallaron: `tecsalud-batch status \w{8} --files` muestra por qué\./,
      );
    }, 120_000);
  },
);
