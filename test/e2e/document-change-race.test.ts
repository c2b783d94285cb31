import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromaStore } from '../../src/adapters/vector-stores/chroma/chroma-store.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { finishedRun, runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startHeldWriteProxy } from '../support/held-write-proxy.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { copyDelivered } from '../support/delivered-files.js';

/**
 * Two `documents move` of one document from two terminals, on PostgreSQL and Chroma. A move writes the
 * vectors first and the row after; the first one here is held between the two (a proxy of the test's own
 * passes its Chroma upsert on but holds back the answer) while the second runs. Whatever happens, the
 * vectors must name the patient the registry names: otherwise `search --patient` finds the document under
 * the wrong patient.
 */

describe.runIf(postgresWanted() && chromaWanted())(
  'documents move from two terminals at once',
  { tags: ['slow'] },
  () => {
    let root: string;
    let postgres: { url: string; drop(): Promise<void> };
    let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
    let database: OpenDatabase;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      root = createTempDir('tecsalud-document-race-');
      copyDelivered(SAMPLE_DIR, path.join(root, 'drop'));
      postgres = await createScratchPostgresDatabase();
      chroma = await createScratchChromaDatabase();
      env = {
        TECSALUD_DB: postgres.url,
        TECSALUD_VECTOR_STORE: 'chroma',
        CHROMA_URL: chroma.url,
        CHROMA_DATABASE: chroma.database,
      };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--json'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(ExitCode.SomeFailed);
      database = await openDatabase(resolveDatabaseTarget(postgres.url, { cwd: root }));
    });
    afterAll(async () => {
      await database?.close();
      await postgres?.drop();
      await chroma?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('the second move is refused while the first goes on; the vectors name the patient the registry names', async () => {
      const document = await database.db
        .selectFrom('medicalDocuments')
        .selectAll()
        .where('vectorized', '=', 1)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const [first, second] = await database.db
        .selectFrom('patients')
        .selectAll()
        .where('id', '!=', document.patientId)
        .orderBy('expediente')
        .limit(2)
        .execute();
      const proxy = await startHeldWriteProxy(chroma.url, /\/upsert$/);
      try {
        const slow = finishedRun(
          spawnCli(['documents', 'move', document.id.slice(0, 8), '--to', first!.expediente], {
            cwd: root,
            env: { ...env, CHROMA_URL: proxy.url },
          }),
        );
        await proxy.written;
        const other = await runCli(
          ['documents', 'move', document.id.slice(0, 8), '--to', second!.expediente],
          {
            cwd: root,
            env,
          },
        );
        proxy.release();
        const done = await slow;
        expect(done.code, done.stderr).toBe(0);
        expect(other.code, other.stderr).toBe(ExitCode.Locked);
        expect(other.stderr).toMatch(/^error: document \w{8} is being changed by another command right now/m);
        expect(other.stderr).toMatch(/^hint: /m);
        expect(other.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await proxy.close();
      }

      const row = await database.db
        .selectFrom('medicalDocuments')
        .select(['patientId', 'expediente'])
        .where('id', '=', document.id)
        .executeTakeFirstOrThrow();
      expect(row.expediente).toBe(first!.expediente);
      const store = await createChromaStore({
        url: chroma.url,
        database: chroma.database,
        collection: 'medical_documents',
      });
      try {
        const vectors = await store.readDocument(document.id);
        expect(vectors.length).toBeGreaterThan(0);
        for (const vector of vectors) {
          expect(vector.metadata).toMatchObject({ expediente: row.expediente, patient_id: row.patientId });
        }
      } finally {
        await store.close();
      }
      const moves = await database.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'document_moved')
        .execute();
      expect(moves).toHaveLength(1);
    });
  },
);
