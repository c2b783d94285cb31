import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import {
  createChromaRegistryWorkspace,
  KILL_TEST_REGISTRIES,
  type ChromaRegistryWorkspace,
} from '../support/chroma-registry-workspace.js';
import { chromaVectorsOf, chromaWanted } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import { startHeldWriteProxy } from '../support/held-write-proxy.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createToken, startServe } from './support/serve-cli.js';

/**
 * A review's "new patient" creates the patient, then stores the file (its vectors, then its rows). Killed in
 * between (kill -9 of the server while Chroma's answer to the vectors is held back), the patient stays behind
 * without the file. The same decision taken again must finish it — the file attached to that patient, created
 * once and counted once — and the patient must say, in the audit log, who made it and for which file.
 */

const NEW_PATIENT_FILE = '3000312954_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_EMER.pdf';
const EXPEDIENTE = '3000312954';

for (const registry of KILL_TEST_REGISTRIES) {
  describe.runIf(chromaWanted() && registry.wanted())(
    `a review's new patient killed between the patient and the file (${registry.name})`,
    { tags: ['slow'] },
    () => {
      let root: string;
      let database: ChromaRegistryWorkspace['database'];
      let chroma: ChromaRegistryWorkspace['chroma'];
      let env: NodeJS.ProcessEnv;
      let workspace: ChromaRegistryWorkspace | undefined;

      beforeAll(async () => {
        workspace = await createChromaRegistryWorkspace({
          prefix: 'tecsalud-killed-review-',
          registry,
          files: fs.readdirSync(SAMPLE_DIR),
          ingestExit: 3, // the sample has 3 bad files and 2 reviews
        });
        ({ root, database, chroma, env } = workspace);
      });
      afterAll(async () => {
        await workspace?.cleanup();
      });

      async function registryState(fileId: string) {
        const opened = await openDatabase(resolveDatabaseTarget(database.url, { cwd: root }));
        try {
          const db = opened.db;
          const patients = await db
            .selectFrom('patients')
            .selectAll()
            .where('expediente', '=', EXPEDIENTE)
            .execute();
          const file = await db
            .selectFrom('batchFiles')
            .selectAll()
            .where('id', '=', fileId)
            .executeTakeFirstOrThrow();
          const session = await db
            .selectFrom('batchUploads')
            .selectAll()
            .where('id', '=', file.batchId)
            .executeTakeFirstOrThrow();
          const created = await db
            .selectFrom('auditLog')
            .selectAll()
            .where('action', '=', 'review_patient_created')
            .execute();
          const documents = await db
            .selectFrom('medicalDocuments')
            .selectAll()
            .where('filename', '=', NEW_PATIENT_FILE)
            .execute();
          return { patients, file, session, created, documents };
        } finally {
          await opened.close();
        }
      }

      it('the same decision taken again attaches the file to the patient the killed one created, counted once', async () => {
        const pending = await runCli(['review', '--json'], { cwd: root, env });
        const { pending: cases } = JSON.parse(pending.stdout) as {
          pending: { file_id: string; session_id: string; filename: string }[];
        };
        const reviewed = cases.find((c) => c.filename === NEW_PATIENT_FILE)!;
        const before = await registryState(reviewed.file_id);
        expect(before.patients).toEqual([]);
        const token = await createToken(database.url, root, 'admin');
        const decide = (base: string) =>
          fetch(`${base}/${reviewed.session_id}/review/${reviewed.file_id}/decision`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ action: 'new_patient' }),
          });

        const proxy = await startHeldWriteProxy(chroma.url, /\/upsert$/);
        try {
          const server = await startServe([], { cwd: root, env: { ...env, CHROMA_URL: proxy.url } });
          const answer = decide(server.base).then(
            (response) => response.status,
            () => 'no answer',
          );
          await Promise.race([
            proxy.written,
            answer.then((status) => {
              throw new Error(
                `the decision ended before its vectors were held: ${status} ${server.stderr()}`,
              );
            }),
          ]);
          server.child.kill('SIGKILL');
          await server.exited;
          expect(await answer).toBe('no answer');
        } finally {
          proxy.release();
          await proxy.close();
        }

        // What the kill left: the patient, with the entry that names its file; the file still waits for review.
        const killed = await registryState(reviewed.file_id);
        expect(killed.patients).toHaveLength(1);
        const patient = killed.patients[0]!;
        expect(killed.created).toEqual([
          expect.objectContaining({
            fileId: reviewed.file_id,
            entityId: patient.id,
            actorKind: 'reviewer',
            actor: 'e2e',
          }),
        ]);
        expect(killed.file.matchingStatus).toBe('review_required');
        expect(killed.documents).toEqual([]);

        const server = await startServe([], { cwd: root, env });
        try {
          const again = await decide(server.base);
          expect(again.status, await again.clone().text()).toBe(200);
          expect(((await again.json()) as { action: string }).action).toBe('new_patient');
        } finally {
          await server.stop();
        }

        const finished = await registryState(reviewed.file_id);
        expect(finished.patients.map((p) => p.id)).toEqual([patient.id]);
        expect(finished.file.matchingStatus).toBe('new_patient');
        expect(finished.file.patientId).toBe(patient.id);
        expect(finished.documents.map((d) => d.patientId)).toEqual([patient.id]);
        expect(finished.session.createdPatients).toBe(before.session.createdPatients + 1);
        expect(finished.session.reviewRequired).toBe(before.session.reviewRequired - 1);
        const vectors = await chromaVectorsOf(chroma, finished.documents[0]!.id);
        expect(vectors.length).toBe(finished.documents[0]!.chunksCount);
        for (const vector of vectors) expect(vector.metadata.expediente).toBe(EXPEDIENTE);
      });
    },
  );
}
