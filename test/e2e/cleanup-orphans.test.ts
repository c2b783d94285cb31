import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { RunLockRepository } from '../../src/db/repositories/run-lock-repository.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import { ExitCode } from '../../src/errors.js';
import {
  createChromaRegistryWorkspace,
  KILL_TEST_REGISTRIES,
  type ChromaRegistryWorkspace,
} from '../support/chroma-registry-workspace.js';
import { chromaVectorsOf, chromaWanted } from '../support/chroma.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir, withRegistryAt } from '../support/databases.js';
import { postgresWanted } from '../support/postgres.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Chunks whose document the registry no longer holds (a run killed between writing the vectors and the row, its
 * file then removed) were left out by search for ever and never deleted. `cleanup --orphans` deletes them, but
 * never those a writer may be storing right now: every writer stores the vectors first, the row after.
 */

const ORPHAN = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const IN_REVIEW = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';

describe('cleanup --orphans (embedded store)', { tags: ['slow'] }, () => {
  let root: string;
  const env = { TECSALUD_DB: 'registry.db' };
  const cli = (...args: string[]) => runCli(args, { cwd: root, env });
  const documents = new Map<string, MedicalDocument>();

  const withDatabase = <T>(use: (database: OpenDatabase) => Promise<T>) =>
    withRegistryAt(root, 'registry.db', use);

  beforeAll(async () => {
    root = createTempDir('tecsalud-orphans-');
    fs.mkdirSync(path.join(root, 'drop'));
    for (const name of [ORPHAN, IN_REVIEW])
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(root, 'drop', name));
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const ingested = await cli('ingest', 'drop', '--non-interactive');
    expect(ingested.code, ingested.stderr).toBe(0);
    await withDatabase(async ({ db }) => {
      for (const row of await db.selectFrom('medicalDocuments').selectAll().execute())
        documents.set(row.filename, row);
      // An orphan: its row and its file's row gone, its chunks still there.
      const orphan = documents.get(ORPHAN)!;
      await db.deleteFrom('batchFiles').where('documentId', '=', orphan.id).execute();
      await db.deleteFrom('medicalDocuments').where('id', '=', orphan.id).execute();
      // One a review decision is storing: its chunks written, its row not yet, its file still waiting for review.
      const reviewed = documents.get(IN_REVIEW)!;
      await db
        .updateTable('batchFiles')
        .set({
          processingStatus: 'pending',
          outcome: 'review_required',
          matchingStatus: 'review_required',
          documentId: null,
        })
        .where('documentId', '=', reviewed.id)
        .execute();
      await db.deleteFrom('medicalDocuments').where('id', '=', reviewed.id).execute();
    });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The session as a run still going on leaves it: processing, its folder's lock held by a live process. */
  async function markRunning(sessionId: string, runLock: 'held' | 'gone'): Promise<void> {
    await withDatabase(async ({ db }) => {
      await db
        .updateTable('batchUploads')
        .set({ status: 'processing' })
        .where('id', '=', sessionId)
        .execute();
      if (runLock === 'gone') return;
      const { sourceDir } = await db
        .selectFrom('batchUploads')
        .select('sourceDir')
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      await new RunLockRepository(db).tryInsert({
        lockKey: createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32),
        sourceDir,
        // This test's own process: alive, and started before the lock was taken.
        pid: process.pid,
        host: os.hostname(),
        sessionId,
        startedAt: new Date().toISOString(),
      });
    });
  }

  async function markFinished(sessionId: string): Promise<void> {
    await withDatabase(async ({ db }) => {
      await db.updateTable('batchUploads').set({ status: 'completed' }).where('id', '=', sessionId).execute();
      await db.deleteFrom('runLocks').execute();
    });
  }

  it('refuses while a session is being processed, and when given a session or --purge', async () => {
    const sessionId = documents.get(ORPHAN)!.batchId!;
    await markRunning(sessionId, 'held');
    const refused = await cli('cleanup', '--orphans');
    const spanish = await cli('cleanup', '--orphans', '--lang', 'es');
    await markFinished(sessionId);
    expect(refused.code, refused.stderr).toBe(ExitCode.Locked);
    expect(refused.stderr).toContain(
      `session ${sessionId.slice(0, 8)} is being processed: a run writes a document's vectors before its row`,
    );
    expect(refused.stderr).toContain('run `tecsalud-batch cleanup --orphans` again once it has finished');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(spanish.code).toBe(ExitCode.Locked);
    expect(spanish.stderr).toContain(`la sesión ${sessionId.slice(0, 8)} se está procesando`);

    const mixed = await cli('cleanup', '--orphans', '--purge');
    expect(mixed.code).toBe(ExitCode.Usage);
    expect(mixed.stderr).toContain('--orphans works on a whole collection');
  });

  it('refuses while a run started beside it holds its folder, before its session is processing, and deletes nothing', async () => {
    const orphan = documents.get(ORPHAN)!;
    // A run on a folder of its own, started now: frozen (SIGSTOP) as soon as it holds its folder's lock, while it is
    // still listing its 3,000 files: no session of it is processing yet, and none may be opened yet.
    const registry = new Database(path.join(root, 'registry.db'), { readonly: true });
    const { run, busy } = startBusyRun(root, env);
    const exited = new Promise<number | null>((resolve) => run.once('close', resolve));
    try {
      const lockHolder = registry.prepare('select pid from run_locks');
      while (lockHolder.all().length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      process.kill(run.pid!, 'SIGSTOP');
      const processing = registry.prepare("select id from batch_uploads where status = 'processing'").all();
      expect(processing).toEqual([]);

      const refused = await cli('cleanup', '--orphans', '--json');
      expect(refused.code, refused.stderr).toBe(ExitCode.Locked);
      expect(refused.stderr).toContain(
        `a run is processing ${fs.realpathSync(busy)} (pid ${run.pid} on ${os.hostname()}): a run writes a document's vectors before its row`,
      );
      const spanish = await cli('cleanup', '--orphans', '--lang', 'es');
      expect(spanish.code).toBe(ExitCode.Locked);
      expect(spanish.stderr).toContain(
        `una ejecución está procesando ${fs.realpathSync(busy)} (pid ${run.pid} en `,
      );
      // Its chunks are all still there: search still finds them, and leaves them out.
      const search = await cli('search', 'asma bronquial', '-k', '50');
      expect(search.stderr).toContain(`chunks of document ${orphan.id.slice(0, 8)}`);
    } finally {
      process.kill(run.pid!, 'SIGCONT');
      registry.close();
    }
    expect(await exited).toBe(ExitCode.SomeFailed);
    fs.rmSync(busy, { recursive: true, force: true });
  });

  it('deletes the chunks of a document the registry no longer holds, keeps those a review may be storing, and says so', async () => {
    const orphan = documents.get(ORPHAN)!;
    const reviewed = documents.get(IN_REVIEW)!;
    // A session left processing by a run that is gone (kill -9, a reboot) does not hold the cleanup up: nothing
    // writes for it. Before, it refused with 75 until the folder was run again.
    await markRunning(orphan.batchId!, 'gone');
    const before = await cli('search', 'asma bronquial', '-k', '50');
    expect(before.stderr).toContain(
      `chunks of document ${orphan.id.slice(0, 8)} (expediente ${orphan.expediente}) left out`,
    );

    const json = await cli('cleanup', '--orphans', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      collection: 'medical_documents',
      deleted: [{ document_id: orphan.id, chunks: orphan.chunksCount, expediente: orphan.expediente }],
      copies_deleted: [],
      kept: [{ document_id: reviewed.id, chunks: reviewed.chunksCount, expediente: reviewed.expediente }],
    });
    const after = await cli('search', 'asma bronquial', '-k', '50');
    expect(after.stderr).not.toContain(orphan.id.slice(0, 8));

    const again = await cli('cleanup', '--orphans', '--lang', 'es');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `${reviewed.chunksCount} fragmentos conservados del documento ${reviewed.id.slice(0, 8)} (expediente ${reviewed.expediente}): ` +
        'un archivo aún sin terminar lleva su contenido (en proceso, o en espera de revisión) y todavía puede guardarlo\n' +
        'Colección "medical_documents": 0 documentos huérfanos borrados del índice de búsqueda, 1 conservados.\n',
    );
    await markFinished(orphan.batchId!);
  });
});

/**
 * On PostgreSQL a run's hold on its folder is an advisory lock on its own connection, not a process this machine
 * looks at: the cleanup must ask the server. A real orphan in Chroma, a real run holding a folder (frozen while it
 * lists it, its session not processing yet), and then the same run killed (kill -9): its lock goes with its
 * connection, and the orphan is deleted.
 */
describe.runIf(chromaWanted() && postgresWanted())(
  'cleanup --orphans (PostgreSQL registry, Chroma)',
  { tags: ['slow'] },
  () => {
    let workspace: ChromaRegistryWorkspace | undefined;
    let registry: OpenDatabase;
    let orphan: MedicalDocument;

    beforeAll(async () => {
      workspace = await createChromaRegistryWorkspace({
        prefix: 'tecsalud-orphans-pg-',
        registry: KILL_TEST_REGISTRIES.find((kind) => kind.name === 'PostgreSQL')!,
        files: [ORPHAN],
        ingestExit: 0,
      });
      registry = await openDatabase(resolveDatabaseTarget(workspace.database.url, { cwd: workspace.root }));
      const { db } = registry;
      orphan = await db
        .selectFrom('medicalDocuments')
        .selectAll()
        .where('filename', '=', ORPHAN)
        .executeTakeFirstOrThrow();
      // An orphan: its row and its file's row gone, its chunks still in Chroma.
      await db.deleteFrom('batchFiles').where('documentId', '=', orphan.id).execute();
      await db.deleteFrom('medicalDocuments').where('id', '=', orphan.id).execute();
    });
    afterAll(async () => {
      await registry?.close();
      await workspace?.cleanup();
    });

    /** Advisory locks held in the registry's database: a run's hold on its folder. */
    const advisoryLocks = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from pg_locks where locktype = 'advisory'
            and database = (select oid from pg_database where datname = current_database())`.execute(
            registry.db,
          )
        ).rows[0]!.n,
      );

    it('refuses (75) while a run holds its folder, deletes nothing, and deletes the orphan once that run is killed', async () => {
      const { root, env, chroma } = workspace!;
      const chunks = (await chromaVectorsOf(chroma, orphan.id)).length;
      expect(chunks).toBeGreaterThan(0);
      const { run, busy } = startBusyRun(root, env);
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        run.once('close', (_, signal) => resolve(signal)),
      );
      try {
        const holders = registry.db.selectFrom('runLocks').select('pid');
        while ((await holders.execute()).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        process.kill(run.pid!, 'SIGSTOP');
        const processing = await registry.db
          .selectFrom('batchUploads')
          .select('id')
          .where('status', '=', 'processing')
          .execute();
        expect(processing).toEqual([]);
        expect(await advisoryLocks()).toBe(1);

        const refused = await runCli(['cleanup', '--orphans', '--json'], { cwd: root, env });
        expect(refused.code, refused.stderr).toBe(ExitCode.Locked);
        expect(refused.stderr).toContain(
          `a run is processing ${fs.realpathSync(busy)} (pid ${run.pid} on ${os.hostname()}): a run writes a document's vectors before its row`,
        );
        expect(refused.stderr).not.toMatch(/\n\s+at /);
        expect((await chromaVectorsOf(chroma, orphan.id)).length).toBe(chunks);
      } finally {
        process.kill(run.pid!, 'SIGKILL');
        process.kill(run.pid!, 'SIGCONT');
      }
      expect(await exited).toBe('SIGKILL');
      // The server ends the killed run's session, and its lock with it, once it sees the connection closed.
      for (let tries = 0; tries < 200 && (await advisoryLocks()) > 0; tries++)
        await new Promise((resolve) => setTimeout(resolve, 25));

      const cleaned = await runCli(['cleanup', '--orphans', '--json'], { cwd: root, env });
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect(JSON.parse(cleaned.stdout)).toEqual({
        collection: 'medical_documents',
        deleted: [{ document_id: orphan.id, chunks, expediente: orphan.expediente }],
        copies_deleted: [],
        kept: [],
      });
      expect(await chromaVectorsOf(chroma, orphan.id)).toEqual([]);
    });
  },
);

/**
 * A run on a folder of its own (`busy`, 3,000 empty PDFs), started now: it takes the folder's lock at once and is
 * still listing its files a while after, no session of it processing yet.
 */
function startBusyRun(root: string, env: NodeJS.ProcessEnv) {
  const busy = path.join(root, 'busy');
  fs.mkdirSync(busy);
  for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(busy, `${i}.pdf`), '');
  const run = spawnCli(
    ['ingest', 'busy', '--non-interactive', '--quiet', '--type', 'complete', '--still-writing-seconds', '0'],
    { cwd: root, env },
  );
  return { run, busy };
}
