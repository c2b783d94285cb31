import fs from 'node:fs';
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearchAdapters, openVectorStore } from '../../src/app/open-backends.js';
import { loadBackendConfig } from '../../src/config/load-config.js';
import { createMigrationProvider } from '../../src/db/migrations/index.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import { ReviewService } from '../../src/review/review-service.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir, withRegistryAt } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { startSilentServer } from '../support/tcp-faults.js';
import { ID_CONFLICT_FILE } from '../review/support/ingested-sample.js';

/**
 * A move that settles a half-done detach makes the document's missing chunks again from the text the registry
 * keeps (chunksFiledUnder). What that leaves behind, on the embedded store with SQLite and on Chroma with
 * PostgreSQL: the chunks in the collection the document's vectors lived in, and the file's record counting them.
 */

const VECTORIZED = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';
const REVIEWED_TO = '3000147773';
const MOVED_TO = '3000051903';
const LOST = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const OWN_COLLECTION = '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6001537201_CONS.pdf';
const OLDER = '3000791146_HERNÁNDEZ VALDEZ, ERNESTO DAVID_6426754258_EGRESO.pdf';
const REINGESTED = '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6154553414_CONS.pdf';
const LEFT_BEHIND = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
const PURGED = '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf';
const STALE = '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6715403318_CONS.pdf';

/** `doctor --json`'s documents line. */
function documentsCheck(stdout: string) {
  const report = JSON.parse(stdout) as { checks: { name: string; status: string; detail: string }[] };
  return report.checks.find((check) => check.name === 'documents');
}

const SETUPS = [
  {
    name: 'SQLite, embedded store',
    wanted: () => true,
    create: async (root: string) => ({
      env: { TECSALUD_DB: path.join(root, 'registry.db') } as NodeJS.ProcessEnv,
      drop: async () => {},
    }),
  },
  {
    name: 'PostgreSQL, Chroma',
    wanted: () => postgresWanted() && chromaWanted(),
    create: async () => {
      const database = await createScratchPostgresDatabase();
      const chroma = await createScratchChromaDatabase();
      return {
        env: {
          TECSALUD_DB: database.url,
          TECSALUD_VECTOR_STORE: 'chroma',
          CHROMA_URL: chroma.url,
          CHROMA_DATABASE: chroma.database,
        } as NodeJS.ProcessEnv,
        drop: async () => {
          await chroma.drop();
          await database.drop();
        },
      };
    },
  },
];

for (const setup of SETUPS) {
  describe.runIf(setup.wanted())(`chunks made again by a move (${setup.name})`, { tags: ['slow'] }, () => {
    let root: string;
    let env: NodeJS.ProcessEnv;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      root = createTempDir('tecsalud-remade-chunks-');
      ({ env, drop } = await setup.create(root));
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
    });
    afterAll(async () => {
      await drop?.();
      fs.rmSync(root, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => runCli(args, { cwd: root, env });
    const withRegistry = <T>(use: (database: OpenDatabase) => Promise<T>) =>
      withRegistryAt(root, env.TECSALUD_DB!, use);
    const backends = () => loadBackendConfig({ cwd: root, env });

    /** Ingests `filename` alone from a folder of its own, with `args`. */
    async function ingestAlone(folder: string, filename: string, ...args: string[]) {
      fs.mkdirSync(path.join(root, folder));
      fs.copyFileSync(path.join(SAMPLE_DIR, filename), path.join(root, folder, filename));
      return cli('ingest', folder, '--non-interactive', ...args);
    }

    const documentNamed = (filename: string) =>
      withRegistry(
        async (database) =>
          (await database.db
            .selectFrom('medicalDocuments')
            .selectAll()
            .where('filename', '=', filename)
            .executeTakeFirstOrThrow()) as MedicalDocument,
      );

    /** Runs `use` on the store bound to `collection` (the configured one when absent). */
    const withStore = <T>(
      collection: string | undefined,
      use: (store: Awaited<ReturnType<typeof openVectorStore>>) => Promise<T>,
    ) =>
      withRegistry(async (database) => {
        const store = await openVectorStore(database, await backends(), collection);
        try {
          return await use(store);
        } finally {
          await store.close();
        }
      });

    /** Writes document `id`'s chunks in `from` into `to` too, as a forced re-ingest killed before it took them out of `to` leaves them. */
    async function copyChunks(id: string, from: string, to: string) {
      const records = await withStore(from, (store) => store.readDocument(id));
      const { embedderId, dimension } = (await withStore(from, (store) => store.describeCollection()))!;
      await withStore(to, async (store) => {
        await store.ensureCollection({ embedderId, dimension });
        await store.replaceDocuments([{ documentId: id, records }]);
      });
    }

    /** The documents `search QUERY --collection C --patient EXPEDIENTE` finds. */
    async function documentsFound(query: string, collection: string, expediente: string) {
      const search = await cli(
        'search',
        query,
        '--collection',
        collection,
        '--patient',
        expediente,
        '--json',
      );
      expect(search.code, search.stderr).toBe(ExitCode.Success);
      const { results } = JSON.parse(search.stdout) as { results: { metadata: { document_id: string } }[] };
      return results.map((result) => result.metadata.document_id);
    }

    /** A detach whose rows a trigger of the test's own refused after its chunks went (a full disk, a kill). */
    async function detachLeftHalfDone(document: MedicalDocument) {
      const sqlite = !env.TECSALUD_VECTOR_STORE;
      await withRegistry(async (database) => {
        if (sqlite) {
          await sql
            .raw(
              "CREATE TRIGGER refuse_rows BEFORE DELETE ON medical_documents BEGIN SELECT RAISE(ABORT, 'disk full'); END",
            )
            .execute(database.db);
        } else {
          await sql
            .raw(
              "CREATE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
            )
            .execute(database.db);
          await sql
            .raw(
              'CREATE TRIGGER refuse_rows BEFORE DELETE ON medical_documents FOR EACH ROW EXECUTE FUNCTION refuse_rows()',
            )
            .execute(database.db);
        }
      });
      try {
        const failed = await cli('documents', 'detach', document.id.slice(0, 8));
        expect(failed.code, failed.stderr).not.toBe(ExitCode.Success);
      } finally {
        await withRegistry(async (database) => {
          await sql
            .raw(`DROP TRIGGER refuse_rows${sqlite ? '' : ' ON medical_documents'}`)
            .execute(database.db);
          if (!sqlite) await sql.raw('DROP FUNCTION refuse_rows()').execute(database.db);
        });
      }
      expect((await documentNamed(document.filename)).id).toBe(document.id);
    }

    it("the file's record counts the chunks made again, as the document does", async () => {
      const ingested = await ingestAlone('vectorized', VECTORIZED, '--type', 'vectorized');
      expect(ingested.code, ingested.stderr).toBe(ExitCode.Success);
      const document = await documentNamed(VECTORIZED);
      expect(document.chunksCount).toBeGreaterThan(3);
      // Some chunks lost before the detach (any reason): it keeps the text of the rest, and the move makes
      // fewer chunks from it than the file's record says.
      await withStore(undefined, async (store) => {
        const records = await store.readDocument(document.id);
        await store.ensureCollection((await store.describeCollection())!);
        await store.replaceDocuments([{ documentId: document.id, records: records.slice(0, 2) }]);
      });
      await detachLeftHalfDone(document);

      const moved = await cli('documents', 'move', document.id.slice(0, 8), '--to', MOVED_TO, '--json');
      expect(moved.code, moved.stderr).toBe(ExitCode.Success);
      const { chunks, chunks_remade } = JSON.parse(moved.stdout) as {
        chunks: number;
        chunks_remade: boolean;
      };
      expect(chunks_remade).toBe(true);
      expect(chunks).not.toBe(document.chunksCount);
      expect((await documentNamed(VECTORIZED)).chunksCount).toBe(chunks);

      const status = await cli('status', document.batchId!, '--files', '--json');
      expect(status.code, status.stderr).toBe(ExitCode.Success);
      const { files } = JSON.parse(status.stdout) as {
        files: { document_id: string | null; chunks: number | null }[];
      };
      expect(files.find((file) => file.document_id === document.id)?.chunks).toBe(chunks);
    });

    it('chunks of a document attached in review --collection are made again in that collection', async () => {
      const ingested = await ingestAlone('review', ID_CONFLICT_FILE);
      expect(ingested.code, ingested.stderr).toBe(ExitCode.ReviewPending);
      // As `review --collection reviewed` attaches it: its session records the configured collection.
      await withRegistry(async (database) => {
        const config = await backends();
        const review = new ReviewService({
          database,
          reviewer: 'jlopez',
          openVectors: () => openSearchAdapters({ database, backends: config, collection: 'reviewed' }),
        });
        const [file] = await review.listPending();
        const decided = await review.decide(await review.loadCase(file!.id), {
          kind: 'attach',
          candidate: 1,
        });
        expect(decided.ok, decided.message).toBe(true);
        await review.close();
      });
      const document = await documentNamed(ID_CONFLICT_FILE);
      expect(document).toMatchObject({ expediente: REVIEWED_TO, collection: 'reviewed' });
      expect(await withStore('reviewed', (store) => store.readDocument(document.id))).toHaveLength(
        document.chunksCount,
      );
      await detachLeftHalfDone(document);
      expect(await withStore('reviewed', (store) => store.readDocument(document.id))).toEqual([]);

      const moved = await cli('documents', 'move', document.id.slice(0, 8), '--to', MOVED_TO, '--json');
      expect(moved.code, moved.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(moved.stdout)).toMatchObject({ chunks_remade: true });
      const chunks = await withStore('reviewed', (store) => store.readDocument(document.id));
      expect(chunks).toHaveLength((await documentNamed(ID_CONFLICT_FILE)).chunksCount);
      for (const chunk of chunks) expect(chunk.metadata.expediente).toBe(MOVED_TO);
      // Not in the collection its session recorded, where a search of "reviewed" would never see them.
      expect(await withStore(undefined, (store) => store.readDocument(document.id))).toEqual([]);
      expect(await documentsFound('reporte de laboratorio', 'reviewed', MOVED_TO)).toContain(document.id);
    });

    /** Runs doctor's command for a document whose chunks are lost, and says where search finds them after. */
    async function makeLostChunks(document: MedicalDocument, collection: string) {
      const id = document.id.slice(0, 8);
      const command = `tecsalud-batch documents move ${id} --to ${document.expediente}`;
      const made = await runCli([...command.split(' ').slice(1), '--json'], { cwd: root, env });
      expect(made.code, made.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(made.stdout)).toMatchObject({ chunks_remade: true });
      const remade = await documentNamed(document.filename);
      expect(remade.collection).toBe(collection);
      expect(await withStore(collection, (store) => store.readDocument(document.id))).toHaveLength(
        remade.chunksCount,
      );
      // Not in the configured collection, where a search of the document's own would never see them.
      expect(await withStore(undefined, (store) => store.readDocument(document.id))).toEqual([]);
      expect(await documentsFound('nota medica', collection, document.expediente)).toContain(document.id);
      return command;
    }

    it("chunks of a document ingested with --collection, lost with nothing in the audit, are made again there on doctor's hint", async () => {
      const ingested = await ingestAlone(
        'own',
        OWN_COLLECTION,
        '--collection',
        'own_x',
        '--type',
        'vectorized',
      );
      expect(ingested.code, ingested.stderr).toBe(ExitCode.Success);
      const first = await documentNamed(OWN_COLLECTION);
      expect(first.collection).toBe('own_x');
      // Read again by a run of the configured collection for its text: the vectors stay where they are, and the
      // document is that run's session's now.
      const again = await ingestAlone('text', OWN_COLLECTION, '--force', '--type', 'complete');
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      const document = await documentNamed(OWN_COLLECTION);
      expect(document).toMatchObject({ vectorized: 1, collection: 'own_x' });
      expect(document.batchId).not.toBe(first.batchId);
      // Gone for a reason no audit entry records.
      await withStore('own_x', (store) => store.deleteDocument(document.id));
      const id = document.id.slice(0, 8);
      const found = await cli('doctor', '--json');
      const command = `tecsalud-batch documents move ${id} --to ${document.expediente}`;
      expect(documentsCheck(found.stdout)?.detail).toContain(`run \`${command}\` to make them again`);

      expect(await makeLostChunks(document, 'own_x')).toBe(command);
      expect(documentsCheck((await cli('doctor', '--json')).stdout)?.detail).not.toContain(id);
    });

    it('a registry from before documents named their collection takes it from their session, and lost chunks are made again there', async () => {
      const ingested = await ingestAlone('older', OLDER, '--collection', 'older_x');
      expect(ingested.code, ingested.stderr).toBe(ExitCode.Success);
      const document = await documentNamed(OLDER);
      await withStore('older_x', (store) => store.deleteDocument(document.id));
      await withRegistry(async (database) => {
        // As the version before this one left it.
        const migrator = new Migrator({
          db: database.db.withoutPlugins(),
          provider: createMigrationProvider(database.dialect),
        });
        expect((await migrator.migrateTo('0008-audit-action-index')).error).toBeUndefined();
      });

      // doctor's command, run by this version: the registry is migrated first.
      await makeLostChunks(document, 'older_x');
    });

    it('doctor names a vectorized document whose chunks are gone, with nothing left unfinished, and the command that makes them', async () => {
      const ingested = await ingestAlone('lost', LOST);
      expect(ingested.code, ingested.stderr).toBe(ExitCode.Success);
      const document = await documentNamed(LOST);
      const id = document.id.slice(0, 8);
      const doctor = async (...args: string[]) => {
        const ran = await cli('doctor', ...args);
        return { ...ran, documents: () => documentsCheck(ran.stdout) };
      };
      const healthy = await doctor('--json');
      expect(healthy.documents()).toEqual({
        name: 'documents',
        status: 'ok',
        detail:
          'no document move or detach was left unfinished; every vectorized document has its chunks in the vector store',
      });
      // Gone for a reason no audit entry records (a collection emptied by hand, a restore of an older copy).
      await withStore(undefined, (store) => store.deleteDocument(document.id));

      const found = await doctor('--json');
      expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
      const command = `tecsalud-batch documents move ${id} --to ${document.expediente}`;
      expect(found.documents()).toEqual({
        name: 'documents',
        status: 'fail',
        detail:
          `no document move or detach was left unfinished; document ${id} of expediente ${document.expediente} is ` +
          `filed as vectorized, but ${document.chunksCount} of its ${document.chunksCount} chunks are not in the ` +
          `vector store, so search does not find what they hold: run \`${command}\` to make them again from its text`,
      });
      const spanish = await doctor('--lang', 'es');
      expect(spanish.stdout).toContain(
        `el documento ${id} del expediente ${document.expediente} figura con fragmentos, pero faltan ` +
          `${document.chunksCount} de sus ${document.chunksCount} fragmentos en el índice de búsqueda, así que la ` +
          `búsqueda no encuentra lo que contienen: ejecute \`${command}\` para crearlos de nuevo a partir de su texto`,
      );

      const made = await runCli(command.split(' ').slice(1), { cwd: root, env });
      expect(made.code, made.stderr).toBe(ExitCode.Success);
      expect(await withStore(undefined, (store) => store.readDocument(document.id))).toHaveLength(
        document.chunksCount,
      );
      expect((await doctor('--json')).documents()).toEqual(healthy.documents());
    });

    it("a forced re-ingest into another collection takes the document's chunks out of the one they were in", async () => {
      const first = await ingestAlone(
        'reingest',
        REINGESTED,
        '--type',
        'vectorized',
        '--collection',
        'before_x',
      );
      expect(first.code, first.stderr).toBe(ExitCode.Success);
      const { id, expediente } = await documentNamed(REINGESTED);
      expect(await documentsFound('consulta', 'before_x', expediente)).toContain(id);

      const again = await cli(
        'ingest',
        'reingest',
        '--non-interactive',
        '--force',
        '--type',
        'both',
        '--collection',
        'after_y',
      );
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      const document = await documentNamed(REINGESTED);
      expect(document).toMatchObject({ id, collection: 'after_y' });
      expect(await withStore('after_y', (store) => store.readDocument(id))).toHaveLength(
        document.chunksCount,
      );
      expect(await withStore('before_x', (store) => store.readDocument(id))).toEqual([]);
      expect(await documentsFound('consulta', 'before_x', expediente)).not.toContain(id);
      expect(await documentsFound('consulta', 'after_y', expediente)).toContain(id);
    });

    it('the old copy a forced re-ingest left behind when killed goes when the same command resumes its session', async () => {
      const first = await ingestAlone(
        'killed',
        LEFT_BEHIND,
        '--type',
        'vectorized',
        '--collection',
        'before_z',
      );
      expect(first.code, first.stderr).toBe(ExitCode.Success);
      const forced = [
        'ingest',
        'killed',
        '--non-interactive',
        '--force',
        '--type',
        'vectorized',
        '--collection',
        'after_w',
      ];
      const stopped = await cli(...forced, '--json');
      expect(stopped.code, stopped.stderr).toBe(ExitCode.Success);
      const { session_id } = JSON.parse(stopped.stdout) as { session_id: string };
      const { id, expediente } = await documentNamed(LEFT_BEHIND);
      // As a kill between the row and the removal leaves it: the old chunks still in before_z, the session unfinished.
      await copyChunks(id, 'after_w', 'before_z');
      await withRegistry((database) =>
        database.db
          .updateTable('batchUploads')
          .set({ status: 'interrupted' })
          .where('id', '=', session_id)
          .execute(),
      );
      expect(await documentsFound('consulta', 'before_z', expediente)).toContain(id);

      const resumed = await cli(...forced, '--json');
      expect(resumed.code, resumed.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ session_id, resumed: true });
      expect(await withStore('before_z', (store) => store.readDocument(id))).toEqual([]);
      expect(await documentsFound('consulta', 'before_z', expediente)).not.toContain(id);
      expect(await documentsFound('consulta', 'after_w', expediente)).toContain(id);
    });

    it("cleanup --purge deletes a document's chunks from the collection its row names, and any copy elsewhere", async () => {
      const first = await ingestAlone('purged', PURGED, '--type', 'vectorized', '--collection', 'kept_v');
      expect(first.code, first.stderr).toBe(ExitCode.Success);
      // Read again as complete into another collection: the chunks stay in kept_v, which the row still names.
      const complete = await cli(
        'ingest',
        'purged',
        '--non-interactive',
        '--force',
        '--type',
        'complete',
        '--collection',
        'other_u',
        '--json',
      );
      expect(complete.code, complete.stderr).toBe(ExitCode.Success);
      const { session_id } = JSON.parse(complete.stdout) as { session_id: string };
      const { id, expediente, collection } = await documentNamed(PURGED);
      expect(collection).toBe('kept_v');
      expect(await documentsFound('receta', 'kept_v', expediente)).toContain(id);
      // And a copy in the session's collection, as an older version's forced re-ingest into it left one.
      await copyChunks(id, 'kept_v', 'other_u');

      const purged = await cli('cleanup', session_id, '--purge', '--force');
      expect(purged.code, purged.stderr).toBe(ExitCode.Success);
      expect(await withStore('kept_v', (store) => store.readDocument(id))).toEqual([]);
      expect(await withStore('other_u', (store) => store.readDocument(id))).toEqual([]);
      expect(await documentsFound('receta', 'kept_v', expediente)).toEqual([]);
    });

    it('doctor counts the stale copies a collection keeps of documents filed in another, and its command removes them', async () => {
      const first = await ingestAlone('stale', STALE, '--type', 'vectorized', '--collection', 'stale_old');
      expect(first.code, first.stderr).toBe(ExitCode.Success);
      const again = await cli(
        'ingest',
        'stale',
        '--non-interactive',
        '--force',
        '--type',
        'vectorized',
        '--collection',
        'stale_new',
      );
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      const { id, expediente, chunksCount } = await documentNamed(STALE);
      expect(documentsCheck((await cli('doctor', '--json')).stdout)?.detail).not.toContain('stale_old');
      // As a kill between the row and the removal of the old chunks leaves them, with nobody to resume the run.
      await copyChunks(id, 'stale_new', 'stale_old');
      expect(await documentsFound('consulta', 'stale_old', expediente)).toContain(id);

      const found = await cli('doctor', '--json');
      expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
      const command = 'tecsalud-batch cleanup --orphans --collection stale_old';
      expect(documentsCheck(found.stdout)).toMatchObject({ status: 'fail' });
      expect(documentsCheck(found.stdout)?.detail).toContain(
        '1 document filed in another collection still has chunks in collection "stale_old" (a forced re-ingest ' +
          'elsewhere that did not finish), so a search of it finds them with what they held then: ' +
          `run \`${command}\` to remove them`,
      );
      const spanish = await cli('doctor', '--lang', 'es');
      expect(spanish.stdout).toContain(
        '1 documento guardado en otra colección conserva fragmentos en la colección "stale_old" (una reingesta ' +
          'forzada en otra colección que no terminó), así que una búsqueda en ella los encuentra con lo que ' +
          `contenían entonces: ejecute \`${command}\` para quitarlos`,
      );

      const cleaned = await runCli([...command.split(' ').slice(1), '--json'], { cwd: root, env });
      expect(cleaned.code, cleaned.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(cleaned.stdout)).toEqual({
        collection: 'stale_old',
        deleted: [],
        copies_deleted: [{ document_id: id, chunks: chunksCount, expediente, filed_in: 'stale_new' }],
        kept: [],
      });
      expect(await withStore('stale_old', (store) => store.readDocument(id))).toEqual([]);
      expect(await withStore('stale_new', (store) => store.readDocument(id))).toHaveLength(chunksCount);
      expect(await documentsFound('consulta', 'stale_old', expediente)).not.toContain(id);
      expect(await documentsFound('consulta', 'stale_new', expediente)).toContain(id);
      expect(documentsCheck((await cli('doctor', '--json')).stdout)?.detail).not.toContain('stale_old');
      // The copy that is the only one stays: its row's collection short of chunks, it is not stale.
      await copyChunks(id, 'stale_new', 'stale_old');
      await withStore('stale_new', (store) => store.deleteDocument(id));
      const kept = await cli('cleanup', '--orphans', '--collection', 'stale_old', '--json');
      expect(JSON.parse(kept.stdout)).toMatchObject({ deleted: [], copies_deleted: [] });
      expect(await withStore('stale_old', (store) => store.readDocument(id))).toHaveLength(chunksCount);
      await copyChunks(id, 'stale_old', 'stale_new');
      await withStore('stale_old', (store) => store.deleteDocument(id));
    }, 240_000);

    it('doctor still names a change left unfinished when the vector store does not answer while it counts chunks', async () => {
      const document = await documentNamed(LOST);
      const id = document.id.slice(0, 8);
      await detachLeftHalfDone(document);
      const silent = await startSilentServer();
      try {
        const ran = await runCli(['doctor', '--json', '--timeout', '4'], {
          cwd: root,
          env: { ...env, TECSALUD_VECTOR_STORE: 'chroma', CHROMA_URL: silent.url },
        });
        expect(ran.code, ran.stdout).toBe(ExitCode.ServiceUnavailable);
        expect(documentsCheck(ran.stdout)).toEqual({
          name: 'documents',
          status: 'fail',
          detail: expect.stringMatching(
            new RegExp(
              `^the detach of document ${id} from expediente ${document.expediente} did not finish .*: ` +
                `run \`tecsalud-batch documents detach ${id}\` to finish it; ` +
                "the documents' chunks were not counted, as the vector store could not be read$",
            ),
          ),
        });
      } finally {
        await silent.close();
      }
    });
  });
}
