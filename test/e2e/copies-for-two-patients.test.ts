import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { DEFAULT_QUEUE_SCHEMA } from '../../src/core/queue/defaults.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli, spawnCli, type RunResult } from '../support/cli-binary.js';
import {
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { REGISTRY_CSV, type JsonReport } from '../support/ingest-fixture.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';

// Two registry patients, and one lab report saved under each one's name. Its text names nobody, so the
// content check cannot tell whose it is: only the two file names claim it.
const AS_HUERTA = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const AS_BONILLA = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf';
const AS_HUERTA_AGAIN = '3000768077_HUERTA SOTO, GABRIELA_9999999999_LAB.pdf';
const EXPEDIENTES = ['3000768077', '3000147773'];
const LAB_TEXT =
  'RESULTADOS DE LABORATORIO\n\nBiometría hemática completa.\n' +
  'Hemoglobina 13.8 g/dL, hematocrito 41 %, leucocitos 7,200 por microlitro.\n' +
  'Plaquetas 250,000 por microlitro. Sin alteraciones en la fórmula diferencial.\n' +
  'Química sanguínea: glucosa 92 mg/dL, creatinina 0.8 mg/dL, urea 28 mg/dL.';

describe.each(DATABASE_KINDS)(
  'one content named for two patients in one batch (%s)',
  { tags: ['slow'] },
  (kind) => {
    let cwd: string;
    let database: TestDatabase;
    let env: NodeJS.ProcessEnv = {};
    let dropVectors: () => Promise<void> = async () => undefined;
    let lab: Buffer;

    beforeEach(async () => {
      cwd = createTempDir('tecsalud-two-patients-');
      fs.mkdirSync(path.join(cwd, 'drop'));
      lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
      database = await createTestDatabase(kind);
      env = { TECSALUD_DB: database.url };
      // PostgreSQL keeps no embedded vectors: its vectors go to Chroma, where `search` must not find them either.
      if (kind === 'postgres' && chromaWanted()) {
        const vectors = await createScratchChromaDatabase();
        env = {
          ...env,
          TECSALUD_VECTOR_STORE: 'chroma',
          CHROMA_URL: vectors.url,
          CHROMA_DATABASE: vectors.database,
        };
        dropVectors = vectors.drop;
      }
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env })).code).toBe(0);
    });
    afterEach(async () => {
      await database.cleanup();
      await dropVectors().catch(() => undefined);
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    const drop = (...names: string[]) =>
      names.forEach((name) => fs.writeFileSync(path.join(cwd, 'drop', name), lab));
    const ingest = async (concurrency: string) => {
      const args = ['ingest', 'drop', '--json', '--non-interactive', '--concurrency', concurrency];
      if (kind === 'postgres' && !chromaWanted()) args.push('--type', 'complete');
      const run = await runCli(args, { cwd, env });
      return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout) as JsonReport };
    };
    /** What `search --patient` finds of the lab report, for each of the two patients. */
    const searchable = async () => {
      if (kind === 'postgres' && !chromaWanted()) return [];
      const found: string[] = [];
      for (const expediente of EXPEDIENTES) {
        const search = await runCli(
          ['search', 'hemoglobina hematocrito', '--patient', expediente, '--json'],
          { cwd, env },
        );
        expect(search.code, search.stderr).toBe(0);
        if ((JSON.parse(search.stdout) as { results: unknown[] }).results.length > 0) found.push(expediente);
      }
      return found;
    };

    it.each(['1', '4'])(
      'attaches it to neither: the one the run took up first goes back to review, the other fails naming it (--concurrency %s)',
      async (concurrency) => {
        drop(AS_HUERTA, AS_BONILLA);
        const { code, report, stderr } = await ingest(concurrency);
        expect(code, stderr).toBe(ExitCode.SomeFailed);
        const held = report.files.find((file) => file.outcome === 'review_required')!;
        const failed = report.files.find((file) => file.outcome === 'duplicate_other_patient')!;
        expect(held, JSON.stringify(report.files)).toBeDefined();
        expect(failed, JSON.stringify(report.files)).toBeDefined();
        const other = (name: string) => (name === AS_HUERTA ? AS_BONILLA : AS_HUERTA);
        const expedienteOf = (name: string) => name.slice(0, 10);
        // Which file was attached first depends only on order: the report says both are held, and why.
        expect(held.document_id).toBeNull();
        expect(held.processing_status).toBe('pending');
        expect(held.error).toContain(`taken back to review: '${other(held.filename)}'`);
        expect(held.error).toContain(
          `names expediente ${expedienteOf(other(held.filename))}, while this file names ${expedienteOf(held.filename)}`,
        );
        expect(failed.processing_status).toBe('failed');
        expect(failed.error).toContain(`identical content to '${held.filename}' in this session`);
        expect(failed.error).toContain('taken back to review');
        expect(report).toMatchObject({ review_required: 1, failed_files: 1, duplicates: 0, chunks: 0 });

        // Nothing stays attached, nor searchable under either patient.
        for (const expediente of EXPEDIENTES) {
          const shown = await runCli(['patients', 'show', expediente, '--json'], { cwd, env });
          expect(shown.code, shown.stderr).toBe(0);
          expect(JSON.parse(shown.stdout).documents ?? []).toEqual([]);
        }
        expect(await searchable()).toEqual([]);

        // `status --files` shows both outcomes with their reasons.
        const status = await runCli(['status', report.session_id.slice(0, 8), '--files'], { cwd, env });
        expect(status.code, status.stderr).toBe(0);
        expect(status.stdout).toMatch(/review_required\s+\S.*\n\s+↳ taken back to review: /);
        expect(status.stdout).toMatch(
          /duplicate_other_patient\s+\S.*\n\s+↳ identical content to '.+' in this session/,
        );
      },
    );

    it('with the same patient named twice besides, holds all three and attaches nothing (--concurrency 4)', async () => {
      drop(AS_HUERTA, AS_BONILLA, AS_HUERTA_AGAIN);
      const { report, stderr } = await ingest('4');
      const outcomes = report.files.map((file) => file.outcome);
      expect(
        outcomes.filter((outcome) => outcome === 'review_required'),
        stderr,
      ).toHaveLength(1);
      expect(outcomes).toContain('duplicate_other_patient');
      expect(outcomes).not.toContain('ingested');
      expect(report).toMatchObject({ chunks: 0 });
      expect(await searchable()).toEqual([]);
    });

    it.each(['1', '4'])(
      'says so as soon as the first is taken back: the progress lines, the log and the final states agree (--concurrency %s)',
      async (concurrency) => {
        // In folders, so that with one slot the run takes up Huerta's first, then Bonilla's, then Huerta's again.
        for (const [folder, name] of [
          ['a', AS_HUERTA],
          ['b', AS_BONILLA],
          ['c', AS_HUERTA_AGAIN],
        ] as const) {
          fs.mkdirSync(path.join(cwd, 'drop', folder));
          fs.writeFileSync(path.join(cwd, 'drop', folder, name), lab);
        }
        const args = ['ingest', 'drop', '--non-interactive', '--concurrency', concurrency];
        args.push('--log-file', 'ingest.log', '--no-redact');
        if (kind === 'postgres' && !chromaWanted()) args.push('--type', 'complete');
        const run = await runCli(args, { cwd, env });
        expect(run.code, run.stderr).toBe(ExitCode.SomeFailed);
        const log = readLog(path.join(cwd, 'ingest.log'));
        const sessionId = log.find((line) => line.event === 'session_started')!.session_id as string;
        const status = await runCli(['status', sessionId, '--json'], { cwd, env });
        expect(status.code, status.stderr).toBe(0);
        const final = JSON.parse(status.stdout) as {
          processed_files: number;
          total_files: number;
          failed_files: number;
          review_required: number;
          duplicates: number;
          files: { path: string; outcome: string; error: string | null }[];
        };

        // Each file's last line in the log says what its row says; none is left saying "ingested".
        for (const file of final.files) {
          const lines = log.filter(
            (line) => line.path === file.path && String(line.event).startsWith('file_'),
          );
          expect(lines.at(-1), file.path).toMatchObject({ outcome: file.outcome, message: file.error });
        }
        const held = final.files.find((file) => file.outcome === 'review_required')!;
        expect(held.error).toContain('taken back to review');
        // No copy keeps the detail of a content "ingested once" that went back to review.
        expect(final.files.filter((file) => file.error?.includes('ingested once'))).toEqual([]);
        for (const copy of final.files.filter((file) => file.outcome === 'duplicate_in_batch')) {
          expect(copy.error).toContain(
            `identical content to '${held.path}' in this batch, which was taken back to review`,
          );
        }
        // The file reported ingested is reported taken back at once, with the counts after it.
        if (log.some((line) => line.path === held.path && line.outcome === 'ingested')) {
          expect(run.stderr).toContain(`↺ ${held.path}: waiting for an admin review — taken back to review:`);
          expect(
            log.find((line) => line.path === held.path && line.event === 'file_outcome_changed'),
          ).toMatchObject({
            previous_outcome: 'ingested',
            outcome: 'review_required',
          });
        }
        const counts = run.stderr.split('\n').filter((line) => /^\s+\d+\/\d+ files · /.test(line));
        expect(counts.at(-1)?.trim(), run.stderr).toBe(
          `${final.processed_files}/${final.total_files} files · ${final.failed_files} failed · ` +
            `${final.review_required} review · ${final.duplicates} ${final.duplicates === 1 ? 'duplicate' : 'duplicates'}`,
        );
        const closing = log.find((line) => line.event === 'session_finished')!;
        expect(closing).toMatchObject({
          review_required: final.review_required,
          failed_files: final.failed_files,
        });
        if (concurrency === '1') {
          // Huerta's was attached first, Bonilla's took it back, and Huerta's again shares its review.
          expect(held.path).toBe(`a/${AS_HUERTA}`);
          expect(final.files.find((file) => file.path === `c/${AS_HUERTA_AGAIN}`)).toMatchObject({
            outcome: 'duplicate_in_batch',
          });
        }
      },
    );

    it('keeps a document an earlier session attached: the copy fails naming it, as before', async () => {
      drop(AS_HUERTA);
      expect((await ingest('1')).report.files[0]!.outcome).toBe('ingested');
      fs.rmSync(path.join(cwd, 'drop', AS_HUERTA));
      drop(AS_BONILLA);
      const { code, report } = await ingest('1');
      expect(code).toBe(ExitCode.SomeFailed);
      expect(report.files[0]).toMatchObject({ outcome: 'duplicate_other_patient' });
      expect(report.files[0]!.error).toContain(`as '${AS_HUERTA}' for expediente 3000768077`);
      if (kind === 'sqlite' || chromaWanted()) expect(await searchable()).toEqual(['3000768077']);
    });

    it('the same patient named twice stays a plain duplicate', async () => {
      drop(AS_HUERTA, AS_HUERTA_AGAIN);
      const { code, report } = await ingest('4');
      expect(code).toBe(ExitCode.Success);
      expect(report.files.map((file) => file.outcome).sort()).toEqual(['duplicate_in_batch', 'ingested']);
    });
  },
);

describe.runIf(postgresWanted())(
  'one content named for two patients, through the job queue',
  { tags: ['slow'] },
  () => {
    let workspace: PostgresWorkspace | null = null;
    const clients: import('pg').Client[] = [];
    const children: ChildProcess[] = [];
    afterEach(async () => {
      for (const child of children.splice(0)) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      for (const client of clients.splice(0)) await client.end().catch(() => undefined);
      await workspace?.cleanup();
      workspace = null;
    });

    // One worker, one file at a time: the jobs are taken in path order, so the Huerta copy comes after the
    // take-back in the first layout and before it in the second. In the third its job is lost: the worker's
    // sweep queues it again once the others are done, and it finds the held file's row as another worker would.
    it.each([
      [
        'after',
        [
          ['a', AS_HUERTA],
          ['b', AS_BONILLA],
          ['c', AS_HUERTA_AGAIN],
        ],
        false,
      ],
      [
        'before',
        [
          ['a', AS_HUERTA],
          ['b', AS_HUERTA_AGAIN],
          ['c', AS_BONILLA],
        ],
        false,
      ],
      [
        'long after',
        [
          ['a', AS_HUERTA],
          ['b', AS_BONILLA],
          ['c', AS_HUERTA_AGAIN],
        ],
        true,
      ],
    ] as const)(
      "a worker says it as ingest does: the ↺ line, the log's file_outcome_changed, and the copy's detail (copy %s the take-back)",
      async (when, layout, copyJobLost) => {
        const lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
        workspace = await createPostgresWorkspace('tecsalud-worker-take-back-', (drop) => {
          for (const [folder, name] of layout) {
            fs.mkdirSync(path.join(drop, folder));
            fs.writeFileSync(path.join(drop, folder, name), lab);
          }
        });
        const { cwd, env } = workspace;
        const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'], {
          cwd,
          env,
        });
        expect(enqueued.code, enqueued.stderr).toBe(ExitCode.Success);
        const sessionId = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id;
        if (copyJobLost) {
          const { default: pg } = await import('pg');
          const client = new pg.Client({ connectionString: env.TECSALUD_DB });
          await client.connect();
          try {
            const deleted = await client.query(
              `delete from ${DEFAULT_QUEUE_SCHEMA}.job where data->>'relativePath' = $1`,
              [`c/${AS_HUERTA_AGAIN}`],
            );
            expect(deleted.rowCount).toBe(1);
          } finally {
            await client.end();
          }
        }
        const worker = await runCli(
          [
            'worker',
            '--until-idle',
            '--concurrency',
            '1',
            '--log-file',
            'worker.log',
            '--no-redact',
            '--json',
          ],
          { cwd, env },
        );
        expect(worker.code, worker.stderr).toBe(ExitCode.Success);
        const log = readLog(path.join(cwd, 'worker.log'));
        const status = await runCli(['status', sessionId, '--json'], { cwd, env });
        expect(status.code, status.stderr).toBe(0);
        const final = (
          JSON.parse(status.stdout) as { files: { path: string; outcome: string; error: string | null }[] }
        ).files;

        // Huerta's was attached first; Bonilla's took it back: the worker's output says so at once, in ingest's words.
        const held = `a/${AS_HUERTA}`;
        const taker = layout.find(([, name]) => name === AS_BONILLA)!.join('/');
        const copy = layout.find(([, name]) => name === AS_HUERTA_AGAIN)!.join('/');
        expect(final.find((file) => file.path === held)).toMatchObject({ outcome: 'review_required' });
        expect(worker.stderr).toContain(
          `session ${sessionId.slice(0, 8)}: ↺ ${held}: waiting for an admin review — taken back to review: '${taker}'`,
        );
        const heldLines = log.filter((line) => line.path === held && String(line.event).startsWith('file_'));
        expect(heldLines.map((line) => [line.event, line.outcome])).toEqual([
          ['file_finished', 'ingested'],
          ['file_outcome_changed', 'review_required'],
        ]);
        expect(heldLines[1]).toMatchObject({
          previous_outcome: 'ingested',
          session_id: sessionId,
          file_id: heldLines[0]!.file_id,
          msg: 'file outcome changed',
        });

        // The Huerta copy shares the held file's review, not an "ingested once", whichever came first.
        const copyRow = final.find((file) => file.path === copy)!;
        expect(copyRow.outcome).toBe('duplicate_in_batch');
        expect(copyRow.error).toContain(
          `identical content to '${held}' in this batch, which was taken back to review`,
        );
        // Reported "ingested once" before the take-back, the copy is then logged changed; reported after it
        // (its write waited for its group while the taker was processed), it is reported as its row says.
        const copyLines = log.filter((line) => line.path === copy && String(line.event).startsWith('file_'));
        if (when === 'before' && String(copyLines[0]?.message).endsWith('ingested once')) {
          expect(copyLines[1]).toMatchObject({
            event: 'file_outcome_changed',
            previous_outcome: 'duplicate_in_batch',
            msg: 'file detail changed',
          });
        }
        // A change of detail only is the log's: no ↺ line for the copy.
        expect(worker.stderr).not.toContain(`↺ ${copy}`);
        // Each file's last line in the log says what its row says.
        for (const file of final) {
          const lines = log.filter(
            (line) => line.path === file.path && String(line.event).startsWith('file_'),
          );
          expect(lines.at(-1), file.path).toMatchObject({ outcome: file.outcome, message: file.error });
        }
        // The worker's tally counts the file taken back where `status` does: waiting for review, not ingested.
        expect((JSON.parse(worker.stdout) as { outcomes: Record<string, number> }).outcomes).toEqual(
          outcomeCounts(final),
        );
      },
    );

    // The window: worker 1 reads Huerta's file ingested and settles the Huerta copy "ingested once", but the
    // copy's row is not written yet (here held by a row lock) when worker 2 takes Huerta's file back for
    // Bonilla's and rewrites the copies it finds. The copy's row, written after, must still share that review.
    it('a copy whose row another worker was writing at the take-back shares the review too', async () => {
      const lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
      const [held, copy, taker] = [`a/${AS_HUERTA}`, `b/${AS_HUERTA_AGAIN}`, `c/${AS_BONILLA}`];
      workspace = await createPostgresWorkspace('tecsalud-two-workers-take-back-', (drop) => {
        for (const file of [held, copy, taker]) {
          fs.mkdirSync(path.dirname(path.join(drop, file)), { recursive: true });
          fs.writeFileSync(path.join(drop, file), lab);
        }
      });
      const { cwd, env } = workspace;
      const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'], {
        cwd,
        env,
      });
      expect(enqueued.code, enqueued.stderr).toBe(ExitCode.Success);
      const sessionId = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id;
      const { default: pg } = await import('pg');
      const connect = async () => {
        const client = new pg.Client({ connectionString: env.TECSALUD_DB });
        clients.push(client);
        await client.connect();
        return client;
      };
      const sql = await connect();
      const rowOf = async (file: string) =>
        (await sql.query('select outcome, error_message from batch_files where relative_path = $1', [file]))
          .rows[0] as {
          outcome: string | null;
          error_message: string | null;
        };
      // A job held back is still queued (no sweep queues its file again); released, a worker takes it.
      const holdJob = (file: string, held: boolean) =>
        sql.query(
          `update ${DEFAULT_QUEUE_SCHEMA}.job set start_after = now() + $2::interval where data->>'relativePath' = $1`,
          [file, held ? '1 hour' : '0 seconds'],
        );
      await holdJob(copy, true);
      await holdJob(taker, true);
      const workerArgs = (log: string) => [
        'worker',
        '--until-idle',
        '--concurrency',
        '1',
        '--json',
        '--log-file',
        log,
        '--no-redact',
      ];
      const first = collect(spawnCli(workerArgs('first.log'), { cwd, env }));
      children.push(first.child);
      await until(
        async () => (await rowOf(held)).outcome === 'ingested',
        'the first worker ingests Huerta’s file',
      );

      // The copy's row waits for this lock: worker 1 settles it "ingested once" and cannot write it yet.
      const lock = await connect();
      await lock.query('begin');
      await lock.query('select id from batch_files where relative_path = $1 for update', [copy]);
      await holdJob(copy, false);
      await until(
        async () =>
          Number(
            (
              await sql.query(
                `select count(*) as waiting from pg_stat_activity where datname = current_database() ` +
                  `and wait_event_type = 'Lock' and query ilike 'update "batch_files"%'`,
              )
            ).rows[0].waiting,
          ) > 0,
        'the first worker writes the copy (and waits for the lock)',
      );
      // Frozen, it takes nothing else: Bonilla's file is the second worker's.
      first.child.kill('SIGSTOP');
      await holdJob(taker, false);
      const second = collect(spawnCli(workerArgs('second.log'), { cwd, env }));
      children.push(second.child);
      // Its counters are brought up to date once its take-back's rewrite of the copies is done.
      await until(async () => {
        const counts = (
          await sql.query('select review_required, failed_files from batch_uploads where id = $1', [
            sessionId,
          ])
        ).rows[0] as { review_required: number; failed_files: number };
        return counts.review_required === 1 && counts.failed_files === 1;
      }, 'the second worker takes Huerta’s file back and rewrites the copies it finds');
      expect((await rowOf(copy)).outcome).toBeNull();
      await lock.query('rollback');
      first.child.kill('SIGCONT');
      const [one, two] = await Promise.all([first.done, second.done]);
      expect(one.code, one.stderr).toBe(ExitCode.Success);
      expect(two.code, two.stderr).toBe(ExitCode.Success);

      const status = await runCli(['status', sessionId, '--json'], { cwd, env });
      expect(status.code, status.stderr).toBe(0);
      const final = (
        JSON.parse(status.stdout) as { files: { path: string; outcome: string; error: string | null }[] }
      ).files;
      expect(final.find((file) => file.path === held)).toMatchObject({ outcome: 'review_required' });
      expect(final.find((file) => file.path === taker)).toMatchObject({ outcome: 'duplicate_other_patient' });
      const copyRow = final.find((file) => file.path === copy)!;
      expect(copyRow.outcome).toBe('duplicate_in_batch');
      expect(copyRow.error).toContain(
        `identical content to '${held}' in this batch, which was taken back to review`,
      );
      // Each file's last line in the two logs says what its row says.
      const log = [...readLog(path.join(cwd, 'first.log')), ...readLog(path.join(cwd, 'second.log'))];
      for (const file of final) {
        const lines = log.filter((line) => line.path === file.path && String(line.event).startsWith('file_'));
        expect(lines.at(-1), file.path).toMatchObject({ outcome: file.outcome, message: file.error });
      }
      // Worker 1 counted Huerta's file ingested; worker 2 took it back: together they count what status counts.
      const tallies = [one, two].map(
        (run) => (JSON.parse(run.stdout) as { outcomes: Record<string, number> }).outcomes,
      );
      const together: Record<string, number> = {};
      for (const tally of tallies)
        for (const [outcome, n] of Object.entries(tally)) together[outcome] = (together[outcome] ?? 0) + n;
      expect(together).toEqual(outcomeCounts(final));
    });

    // The language as `ingest` takes it: --lang, or LANG when neither LC_ALL nor LC_MESSAGES says otherwise.
    it.each([
      ['--lang es', ['--lang', 'es'], {}],
      ['LANG=es_MX.UTF-8', [], { LANG: 'es_MX.UTF-8', LC_ALL: '', LC_MESSAGES: '' }],
    ] as const)(
      'says what it does in Spanish with %s; its log and --json stay English',
      async (_, flags, locale) => {
        const lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
        workspace = await createPostgresWorkspace('tecsalud-worker-es-', (drop) => {
          for (const [folder, name] of [
            ['a', AS_HUERTA],
            ['b', AS_BONILLA],
          ]) {
            fs.mkdirSync(path.join(drop, folder!));
            fs.writeFileSync(path.join(drop, folder!, name!), lab);
          }
        });
        const { cwd, env } = workspace;
        const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'], {
          cwd,
          env,
        });
        expect(enqueued.code, enqueued.stderr).toBe(ExitCode.Success);
        const id = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id.slice(0, 8);
        const worker = await runCli(
          ['worker', '--until-idle', '--concurrency', '1', '--log-file', 'worker.log', '--json', ...flags],
          { cwd, env: { ...env, ...locale } },
        );
        expect(worker.code, worker.stderr).toBe(ExitCode.Success);
        const lines = worker.stderr.trim().split('\n');
        expect(lines[0]).toMatch(/^proceso de trabajo [0-9a-f]{8} iniciado: 1 archivo a la vez$/);
        // The file taken back, in ingest's Spanish words: its outcome and why, both files and expedientes kept.
        const takenBack = lines.find((line) => line.startsWith(`sesión ${id}: ↺ `));
        expect(takenBack, worker.stderr).toMatch(
          new RegExp(
            `^sesión ${id}: ↺ a/${AS_HUERTA}: en espera de revisión — devuelto a revisión: 'b/${AS_BONILLA}', de la ` +
              'misma sesión, tiene contenido idéntico pero nombra el expediente 3000147773, mientras que este archivo ' +
              'nombra el 3000768077, al que la ejecución lo había asociado \\(documento [0-9a-f]{8}\\); uno de los dos ' +
              'nombres de archivo está mal\\. Revise el documento y asócielo al paciente correcto en ' +
              `\`tecsalud-batch review ${id}\`; luego elimine el otro archivo$`,
          ),
        );
        expect(lines).toContain(
          `sesión ${id} completada con fallos (partially_failed): 2/2 archivos, 1 fallido, 1 en revisión`,
        );
        expect(lines).toContain('la cola está vacía: deteniendo');
        expect(lines.at(-1)).toMatch(/^proceso de trabajo [0-9a-f]{8} detenido: 2 archivos en \d+\.\d s$/);
        // Programs and IT staff read the log and --json: in English, as documented.
        expect(fs.readFileSync(path.join(cwd, 'worker.log'), 'utf8')).toContain('taken back to review');
        expect(JSON.parse(worker.stdout)).toMatchObject({
          outcomes: { review_required: 1, duplicate_other_patient: 1 },
        });
      },
    );
  },
);

/** A spawned CLI's output, and its end. */
function collect(child: ChildProcess): { child: ChildProcess; done: Promise<RunResult> } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Polls `condition` until it holds (a minute at most: then the test fails saying what it waited for). */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readLog(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** How many files of each outcome, as a worker's `--json` tally counts them. */
function outcomeCounts(files: readonly { outcome: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of files) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
