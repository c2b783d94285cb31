import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVectorStore } from '../../src/app/open-backends.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import { ExitCode } from '../../src/errors.js';
import {
  createChromaRegistryWorkspace,
  KILL_TEST_REGISTRIES,
  type ChromaRegistryWorkspace,
} from '../support/chroma-registry-workspace.js';
import { chromaVectorsOf, chromaWanted } from '../support/chroma.js';
import { finishedRun, runCli, spawnCli } from '../support/cli-binary.js';
import { defaultBackends } from '../support/command-context.js';
import { createTempDir } from '../support/databases.js';
import { startHeldWriteProxy } from '../support/held-write-proxy.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * A `documents move` or `documents detach` killed (kill -9, a power cut, a dropped ssh) after Chroma applied
 * its vector write and before the registry's rows changed: the child is really killed there, while a proxy of
 * the test's own holds back Chroma's answer. Nothing it printed survives, so the registry must hold the record:
 * `doctor` fails and names the command that finishes it, and running that (or settling it otherwise) clears it.
 */

const MOVED = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const MOVED_BACK = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';
const DETACHED = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
const RX = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf';
const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const OTHER_PATIENT = '3000001298';
const THIRD_PATIENT = '3000051903';

interface DoctorReport {
  healthy: boolean;
  checks: { name: string; status: string; detail: string }[];
}

async function documentIn(url: string, cwd: string, filename: string): Promise<MedicalDocument | undefined> {
  const opened = await openDatabase(resolveDatabaseTarget(url, { cwd }));
  try {
    return await opened.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('filename', '=', filename)
      .executeTakeFirst();
  } finally {
    await opened.close();
  }
}

async function runDoctor(where: { cwd: string; env: NodeJS.ProcessEnv }, ...args: string[]) {
  const ran = await runCli(['doctor', ...args], where);
  return { ...ran, report: args.includes('--json') ? (JSON.parse(ran.stdout) as DoctorReport) : null };
}

const documentsCheck = (report: DoctorReport | null) =>
  report!.checks.find((check) => check.name === 'documents');

/** doctor finds nothing unfinished any more, and is healthy. */
async function expectSettledIn(where: { cwd: string; env: NodeJS.ProcessEnv }) {
  const after = await runDoctor(where, '--json');
  expect(documentsCheck(after.report)).toEqual({
    name: 'documents',
    status: 'ok',
    detail:
      'no document move or detach was left unfinished; every vectorized document has its chunks in the vector store',
  });
  expect(after.report!.checks.filter((check) => check.status === 'fail')).toEqual([]);
  expect(after.code, after.stdout).toBe(ExitCode.Success);
  const spanish = await runDoctor(where, '--lang', 'es');
  expect(spanish.stdout).toMatch(
    /^OK +documentos +ningún traslado o desvinculación de un documento quedó a medias; todos los documentos con fragmentos los tienen en el índice de búsqueda$/m,
  );
}

/** The document ids `search --patient EXPEDIENTE` finds (every chunk of that patient's documents, for the fixture's sizes). */
async function searchedDocuments(where: { cwd: string; env: NodeJS.ProcessEnv }, expediente: string) {
  const search = await runCli(['search', 'paciente', '--patient', expediente, '-k', '50', '--json'], where);
  expect(search.code, search.stderr).toBe(0);
  const { results } = JSON.parse(search.stdout) as { results: { metadata: { document_id: string } }[] };
  return results.map((r) => r.metadata.document_id);
}

for (const registry of KILL_TEST_REGISTRIES) {
  describe.runIf(chromaWanted() && registry.wanted())(
    `a document change killed between its vectors and its rows (${registry.name})`,
    { tags: ['slow'] },
    () => {
      let root: string;
      let database: ChromaRegistryWorkspace['database'];
      let chroma: ChromaRegistryWorkspace['chroma'];
      let env: NodeJS.ProcessEnv;
      let workspace: ChromaRegistryWorkspace | undefined;

      beforeAll(async () => {
        workspace = await createChromaRegistryWorkspace({
          prefix: 'tecsalud-killed-change-',
          registry,
          files: [MOVED, MOVED_BACK, DETACHED, RX],
          ingestExit: 0,
        });
        ({ root, database, chroma, env } = workspace);
      });
      afterAll(async () => {
        await workspace?.cleanup();
      });

      const documentNamed = (filename: string) => documentIn(database.url, root, filename);

      /** Runs the command until Chroma has applied its write to a path ending so, and kills it there. */
      async function killedAfterWrite(args: string[], write: RegExp): Promise<void> {
        const proxy = await startHeldWriteProxy(chroma.url, write);
        try {
          const child = spawnCli(args, { cwd: root, env: { ...env, CHROMA_URL: proxy.url } });
          const run = finishedRun(child);
          await Promise.race([
            proxy.written,
            run.then((done) => {
              throw new Error(`the command ended before its write was held: ${done.code} ${done.stderr}`);
            }),
          ]);
          child.kill('SIGKILL');
          expect((await run).signal).toBe('SIGKILL');
        } finally {
          proxy.release();
          await proxy.close();
        }
      }

      const doctor = (...args: string[]) => runDoctor({ cwd: root, env }, ...args);
      const expectSettled = () => expectSettledIn({ cwd: root, env });

      it('doctor names a killed move and its command; running that command finishes it', async () => {
        const document = (await documentNamed(MOVED))!;
        const id = document.id.slice(0, 8);
        await killedAfterWrite(
          ['documents', 'move', id, '--to', OTHER_PATIENT, '--user', 'jlopez'],
          /\/upsert$/,
        );

        // The half-done state the record is for: the vectors name the new patient, the registry the old one.
        expect((await documentNamed(MOVED))!.expediente).toBe(document.expediente);
        expect((await chromaVectorsOf(chroma, document.id)).map((v) => v.metadata.expediente)).toContain(
          OTHER_PATIENT,
        );

        const found = await doctor('--json');
        expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
        expect(found.report!.healthy).toBe(false);
        expect(documentsCheck(found.report)).toEqual({
          name: 'documents',
          status: 'fail',
          detail: expect.stringMatching(
            new RegExp(
              `^the move of document ${id} from expediente ${document.expediente} to ${OTHER_PATIENT} did not finish ` +
                `\\(started \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} by jlopez\\): ` +
                `run \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\` to finish it$`,
            ),
          ),
        });
        const spanish = await doctor('--lang', 'es');
        expect(spanish.code).toBe(ExitCode.ServiceUnavailable);
        expect(spanish.stdout).toMatch(
          new RegExp(
            `^FALLO +documentos +el traslado del documento ${id} del expediente ${document.expediente} al ${OTHER_PATIENT} ` +
              `no terminó \\(iniciado el \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2} por jlopez\\): ` +
              `ejecute \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\` para terminarlo$`,
            'm',
          ),
        );

        const again = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
        expect(again.code, again.stderr).toBe(0);
        expect((await documentNamed(MOVED))!.expediente).toBe(OTHER_PATIENT);
        for (const vector of await chromaVectorsOf(chroma, document.id))
          expect(vector.metadata.expediente).toBe(OTHER_PATIENT);
        await expectSettled();
      });

      it('a killed move is settled as well by a move to a third patient, or by one back to the registry’s', async () => {
        const third = (await documentNamed(MOVED_BACK))!;
        await killedAfterWrite(
          ['documents', 'move', third.id.slice(0, 8), '--to', OTHER_PATIENT],
          /\/upsert$/,
        );
        const back = (await documentNamed(MOVED))!;
        await killedAfterWrite(
          ['documents', 'move', back.id.slice(0, 8), '--to', THIRD_PATIENT],
          /\/upsert$/,
        );
        const both = await doctor('--json');
        expect(both.code).toBe(ExitCode.ServiceUnavailable);
        const listed = documentsCheck(both.report)!.detail.split('; ');
        expect(listed).toHaveLength(2);
        expect(listed[0]).toContain(
          `run \`tecsalud-batch documents move ${third.id.slice(0, 8)} --to ${OTHER_PATIENT}\``,
        );
        expect(listed[1]).toContain(
          `run \`tecsalud-batch documents move ${back.id.slice(0, 8)} --to ${THIRD_PATIENT}\``,
        );

        const elsewhere = await runCli(['documents', 'move', third.id.slice(0, 8), '--to', THIRD_PATIENT], {
          cwd: root,
          env,
        });
        expect(elsewhere.code, elsewhere.stderr).toBe(0);
        expect((await documentNamed(MOVED_BACK))!.expediente).toBe(THIRD_PATIENT);
        const restored = await runCli(['documents', 'move', back.id.slice(0, 8), '--to', back.expediente], {
          cwd: root,
          env,
        });
        expect(restored.code, restored.stderr).toBe(0);
        expect((await documentNamed(MOVED))!.expediente).toBe(back.expediente);
        const vectors = await chromaVectorsOf(chroma, back.id);
        expect(vectors).toHaveLength(back.chunksCount);
        for (const vector of vectors) expect(vector.metadata.expediente).toBe(back.expediente);
        await expectSettled();
      });

      it('doctor names a killed detach; running it again finishes it', async () => {
        const document = (await documentNamed(DETACHED))!;
        const id = document.id.slice(0, 8);
        await killedAfterWrite(['documents', 'detach', id], /\/delete$/);
        expect(await documentNamed(DETACHED)).toBeDefined();

        const found = await doctor('--json');
        expect(found.code).toBe(ExitCode.ServiceUnavailable);
        expect(documentsCheck(found.report)).toMatchObject({
          status: 'fail',
          detail: expect.stringMatching(
            new RegExp(
              `^the detach of document ${id} from expediente ${document.expediente} did not finish \\(started .+\\): ` +
                `run \`tecsalud-batch documents detach ${id}\` to finish it$`,
            ),
          ),
        });

        const again = await runCli(['documents', 'detach', id], { cwd: root, env });
        expect(again.code, again.stderr).toBe(0);
        expect(await documentNamed(DETACHED)).toBeUndefined();
        expect(await chromaVectorsOf(chroma, document.id)).toEqual([]);
        await expectSettled();
      });

      it('a detach killed after its chunks went, then a move to a third patient: the chunks are made again there', async () => {
        const document = (await documentNamed(RX))!;
        const id = document.id.slice(0, 8);
        await killedAfterWrite(['documents', 'detach', id], /\/delete$/);
        expect(await chromaVectorsOf(chroma, document.id)).toEqual([]);

        const moved = await runCli(['documents', 'move', id, '--to', THIRD_PATIENT], { cwd: root, env });
        expect(moved.code, moved.stderr).toBe(0);
        expect((await documentNamed(RX))!.expediente).toBe(THIRD_PATIENT);
        const vectors = await chromaVectorsOf(chroma, document.id);
        expect(vectors).toHaveLength(document.chunksCount);
        for (const vector of vectors) expect(vector.metadata.expediente).toBe(THIRD_PATIENT);
        expect(await searchedDocuments({ cwd: root, env }, THIRD_PATIENT)).toContain(document.id);
        await expectSettled();
      });
    },
  );
}

/**
 * On the embedded store the vectors and the rows share one SQLite file, and nothing outside the process can stop
 * it between them; a registry write that fails there (a disk that filled up, a file made read-only) leaves the
 * same half-done change. A trigger of the test's own refuses the rows' write after the vectors were written.
 */
describe(
  'a document change whose rows could not be written after its vectors (embedded store, SQLite)',
  { tags: ['slow'] },
  () => {
    let root: string;
    let env: NodeJS.ProcessEnv;
    const url = () => path.join(root, 'registry.db');

    beforeAll(async () => {
      root = createTempDir('tecsalud-unwritten-change-');
      fs.mkdirSync(path.join(root, 'drop'));
      for (const name of [MOVED, DETACHED, MOVED_BACK, RX, LAB])
        fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(root, 'drop', name));
      env = { TECSALUD_DB: url() };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(0);
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    /** Runs `statement` (a trigger's creation or removal) on the registry. */
    async function onRegistry(statement: string) {
      const opened = await openDatabase(resolveDatabaseTarget(url(), { cwd: root }));
      try {
        await sql.raw(statement).execute(opened.db);
      } finally {
        await opened.close();
      }
    }

    async function vectorExpedientes(documentId: string): Promise<unknown[]> {
      const opened = await openDatabase(resolveDatabaseTarget(url(), { cwd: root }));
      const store = await openVectorStore(opened, await defaultBackends());
      try {
        return (await store.readDocument(documentId)).map((record) => record.metadata.expediente);
      } finally {
        await store.close();
        await opened.close();
      }
    }

    it('doctor names the move left half done; running it again finishes it', async () => {
      const document = (await documentIn(url(), root, MOVED))!;
      const id = document.id.slice(0, 8);
      await onRegistry(
        "CREATE TRIGGER refuse_move BEFORE UPDATE ON medical_documents BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
      const failed = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
      await onRegistry('DROP TRIGGER refuse_move');
      expect(failed.code, failed.stderr).not.toBe(0);
      expect(await vectorExpedientes(document.id)).toContain(OTHER_PATIENT);
      expect((await documentIn(url(), root, MOVED))!.expediente).toBe(document.expediente);

      const found = await runDoctor({ cwd: root, env }, '--json');
      expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
      expect(documentsCheck(found.report)).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(
          `the move of document ${id} from expediente ${document.expediente} to ${OTHER_PATIENT} did not finish`,
        ),
      });

      // Where the admin looks for the document, it says so too.
      const show = (...args: string[]) =>
        runCli(['patients', 'show', document.expediente, ...args], { cwd: root, env });
      const shown = JSON.parse((await show('--json')).stdout) as {
        documents: { document_id: string; unfinished_change: unknown }[];
      };
      expect(shown.documents.find((d) => d.document_id === document.id)?.unfinished_change).toEqual({
        kind: 'move',
        from_expediente: document.expediente,
        to_expediente: OTHER_PATIENT,
        started_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        started_by: expect.any(String),
        finish: `tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}`,
      });
      expect((await show()).stdout).toMatch(
        new RegExp(
          `^  ${id} .*\n    unfinished: its move to expediente ${OTHER_PATIENT} did not finish \\(started [\\d: -]+ by .+\\): ` +
            `run \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\`$`,
          'm',
        ),
      );
      expect((await show('--lang', 'es')).stdout).toMatch(
        new RegExp(
          `^    a medias: su traslado al expediente ${OTHER_PATIENT} no terminó \\(iniciado el [\\d/: ]+ por .+\\): ` +
            `ejecute \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\`$`,
          'm',
        ),
      );

      const again = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
      expect(again.code, again.stderr).toBe(0);
      expect(new Set(await vectorExpedientes(document.id))).toEqual(new Set([OTHER_PATIENT]));
      const after = JSON.parse(
        (await runCli(['patients', 'show', OTHER_PATIENT, '--json'], { cwd: root, env })).stdout,
      ) as {
        documents: { document_id: string; unfinished_change: unknown }[];
      };
      expect(after.documents.find((d) => d.document_id === document.id)?.unfinished_change).toBeNull();
      await expectSettledIn({ cwd: root, env });
    });

    it('doctor names the detach left half done; running it again finishes it', async () => {
      const document = (await documentIn(url(), root, DETACHED))!;
      const id = document.id.slice(0, 8);
      await onRegistry(
        "CREATE TRIGGER refuse_detach BEFORE DELETE ON medical_documents BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
      const failed = await runCli(['documents', 'detach', id], { cwd: root, env });
      await onRegistry('DROP TRIGGER refuse_detach');
      expect(failed.code, failed.stderr).not.toBe(0);
      expect(await vectorExpedientes(document.id)).toEqual([]);
      expect(await documentIn(url(), root, DETACHED)).toBeDefined();

      const found = await runDoctor({ cwd: root, env }, '--json');
      expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
      expect(documentsCheck(found.report)?.detail).toContain(
        `run \`tecsalud-batch documents detach ${id}\` to finish it`,
      );

      const again = await runCli(['documents', 'detach', id], { cwd: root, env });
      expect(again.code, again.stderr).toBe(0);
      expect(await documentIn(url(), root, DETACHED)).toBeUndefined();
      await expectSettledIn({ cwd: root, env });
    });

    /** The change's rows refused by a trigger of the test's own, after its vectors changed. */
    async function refusedRows(args: string[], trigger: 'UPDATE' | 'DELETE'): Promise<void> {
      await onRegistry(
        `CREATE TRIGGER refuse_rows BEFORE ${trigger} ON medical_documents BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
      try {
        const failed = await runCli(args, { cwd: root, env });
        expect(failed.code, failed.stderr).not.toBe(0);
      } finally {
        await onRegistry('DROP TRIGGER refuse_rows');
      }
    }

    /** Every chunk of the document is in the store under `expediente`, and search for that patient finds it. */
    async function expectSearchable(document: MedicalDocument, expediente: string) {
      const expedientes = await vectorExpedientes(document.id);
      expect(expedientes).toHaveLength(document.chunksCount);
      expect(new Set(expedientes)).toEqual(new Set([expediente]));
      expect((await documentIn(url(), root, document.filename))!.expediente).toBe(expediente);
      expect(await searchedDocuments({ cwd: root, env }, expediente)).toContain(document.id);
    }

    it('a detach left half done, then a move to a third patient: the chunks the detach removed are made again there', async () => {
      const document = (await documentIn(url(), root, MOVED_BACK))!;
      const id = document.id.slice(0, 8);
      expect(document.chunksCount).toBeGreaterThan(0);
      await refusedRows(['documents', 'detach', id], 'DELETE');
      expect(await vectorExpedientes(document.id)).toEqual([]);

      const moved = await runCli(['documents', 'move', id, '--to', THIRD_PATIENT, '--json'], {
        cwd: root,
        env,
      });
      expect(moved.code, moved.stderr).toBe(0);
      expect(JSON.parse(moved.stdout)).toMatchObject({
        to_expediente: THIRD_PATIENT,
        chunks: document.chunksCount,
        chunks_remade: true,
      });
      await expectSearchable(document, THIRD_PATIENT);
      await expectSettledIn({ cwd: root, env });
    });

    it('a detach left half done, then a move to the patient the registry names: the chunks are made again', async () => {
      const document = (await documentIn(url(), root, MOVED_BACK))!;
      const id = document.id.slice(0, 8);
      await refusedRows(['documents', 'detach', id], 'DELETE');
      expect(await vectorExpedientes(document.id)).toEqual([]);

      const kept = await runCli(['documents', 'move', id, '--to', document.expediente], { cwd: root, env });
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stdout).toMatch(
        new RegExp(
          `^Document ${id} already belongs to ${document.expediente} .+; its ${document.chunksCount} chunks were made ` +
            'again from its text \\(some were missing from the vector store\\)\\.$',
          'm',
        ),
      );
      await expectSearchable(document, document.expediente);
      await expectSettledIn({ cwd: root, env });
    });

    it('a move left half done, then a detach: no chunk stays behind under the patient the move named', async () => {
      const document = (await documentIn(url(), root, LAB))!;
      const id = document.id.slice(0, 8);
      await refusedRows(['documents', 'move', id, '--to', OTHER_PATIENT], 'UPDATE');
      expect(new Set(await vectorExpedientes(document.id))).toEqual(new Set([OTHER_PATIENT]));

      const detached = await runCli(['documents', 'detach', id], { cwd: root, env });
      expect(detached.code, detached.stderr).toBe(0);
      expect(await documentIn(url(), root, LAB)).toBeUndefined();
      expect(await vectorExpedientes(document.id)).toEqual([]);
      expect(await searchedDocuments({ cwd: root, env }, OTHER_PATIENT)).not.toContain(document.id);
      await expectSettledIn({ cwd: root, env });
    });

    it('a move that cannot make the missing chunks again says so, changes nothing, and doctor still names the change', async () => {
      const document = (await documentIn(url(), root, MOVED_BACK))!;
      const id = document.id.slice(0, 8);
      await refusedRows(['documents', 'detach', id], 'DELETE');
      // Another embedder than the one that filled the collection: its vectors would be noise beside the others.
      const otherEmbedder = { ...env, TECSALUD_EMBEDDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
      const move = (...args: string[]) =>
        runCli(['documents', 'move', id, '--to', OTHER_PATIENT, ...args], { cwd: root, env: otherEmbedder });

      const refused = await move();
      expect(refused.code, refused.stderr).toBe(ExitCode.Usage);
      expect(refused.stderr).toContain(
        `error: ${document.chunksCount} of the ${document.chunksCount} chunks of document ${id} are missing from the ` +
          'vector store, so search does not find it; nothing was changed, as they could not be made again from its ' +
          'text: Collection "medical_documents" holds vectors from embedder hashing-v1',
      );
      expect(refused.stderr).toMatch(
        new RegExp(
          `^hint: .*; then run \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\` again to make them and finish it$`,
          'm',
        ),
      );
      const spanish = await move('--lang', 'es');
      expect(spanish.code).toBe(ExitCode.Usage);
      expect(spanish.stderr).toContain(
        `faltan ${document.chunksCount} de los ${document.chunksCount} fragmentos del documento ${id} en el índice de búsqueda`,
      );
      expect(spanish.stderr).toContain(
        `después ejecute de nuevo \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\` para crearlos y terminarlo`,
      );
      expect(spanish.stderr).not.toMatch(/ of the | could not | then run /);

      // Nothing changed: the registry files it where it did, and doctor still names the detach and its command.
      expect((await documentIn(url(), root, MOVED_BACK))!.expediente).toBe(document.expediente);
      expect(await vectorExpedientes(document.id)).toEqual([]);
      const found = await runDoctor({ cwd: root, env }, '--json');
      expect(found.code, found.stdout).toBe(ExitCode.ServiceUnavailable);
      expect(documentsCheck(found.report)?.detail).toContain(
        `run \`tecsalud-batch documents detach ${id}\` to finish it`,
      );

      // With the collection's own embedder, the same move makes them and finishes.
      const moved = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
      expect(moved.code, moved.stderr).toBe(0);
      await expectSearchable(document, OTHER_PATIENT);
      await expectSettledIn({ cwd: root, env });
    });

    it('a move, then a detach, both left half done: the same move run again makes the chunks again', async () => {
      const document = (await documentIn(url(), root, RX))!;
      const id = document.id.slice(0, 8);
      await refusedRows(['documents', 'move', id, '--to', OTHER_PATIENT], 'UPDATE');
      expect(new Set(await vectorExpedientes(document.id))).toEqual(new Set([OTHER_PATIENT]));
      await refusedRows(['documents', 'detach', id], 'DELETE');
      expect(await vectorExpedientes(document.id)).toEqual([]);

      const again = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT, '--lang', 'es'], {
        cwd: root,
        env,
      });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        ` con sus ${document.chunksCount} fragmentos, creados de nuevo a partir de su texto (faltaban algunos en el índice de búsqueda).`,
      );
      await expectSearchable(document, OTHER_PATIENT);
      await expectSettledIn({ cwd: root, env });
      // And once more: nothing left to finish, the chunks stay.
      const once = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT, '--json'], {
        cwd: root,
        env,
      });
      expect(once.code, once.stderr).toBe(0);
      expect(JSON.parse(once.stdout)).toMatchObject({ unchanged: true, chunks_remade: false });
      await expectSearchable(document, OTHER_PATIENT);
    });
  },
);
