import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, chromaVectorsOf, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../support/http-fault-proxy.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * A `documents move` or `documents detach` against a Chroma that applies a write but does not answer in time
 * (overloaded, a network cut after the request went through): the vectors may already have changed while the
 * registry has not. The command must say so, and how to bring the two in line — not a bare "Chroma did not
 * answer" that reads as "nothing changed" — and running it again must finish the change.
 */

const MOVED = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const DETACHED = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';
/** Detached in Spanish: a first detach whose delete went through leaves nothing for a second to fail on. */
const DETACHED_ES = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
const OTHER_PATIENT = '3000001298';

describe.runIf(chromaWanted())(
  'a document change whose vector write is left unanswered',
  { tags: ['slow'] },
  () => {
    let root: string;
    let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
    let proxy: HttpFaultProxy;
    /** Chroma writes these (paths ending so) but answers only once the client has given up. */
    const unanswered: RegExp[] = [];
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      root = createTempDir('tecsalud-unfinished-change-');
      fs.mkdirSync(path.join(root, 'drop'));
      for (const name of [MOVED, DETACHED, DETACHED_ES])
        fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(root, 'drop', name));
      chroma = await createScratchChromaDatabase();
      proxy = await startHttpFaultProxy({
        target: chroma.url,
        answer: () => null,
        beforeAnswering: async (request) => {
          if (request.method === 'POST' && unanswered.some((path) => path.test(request.path))) {
            await new Promise((resolve) => setTimeout(resolve, 2_500));
          }
        },
      });
      env = {
        TECSALUD_DB: path.join(root, 'registry.db'),
        TECSALUD_VECTOR_STORE: 'chroma',
        CHROMA_URL: proxy.url,
        CHROMA_DATABASE: chroma.database,
        TECSALUD_CHROMA_TIMEOUT: '1',
      };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(0);
    });
    afterAll(async () => {
      await proxy?.close();
      await chroma?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    async function documentNamed(filename: string): Promise<MedicalDocument | undefined> {
      const database = await openDatabase(resolveDatabaseTarget(env.TECSALUD_DB!, { cwd: root }));
      try {
        return await database.db
          .selectFrom('medicalDocuments')
          .selectAll()
          .where('filename', '=', filename)
          .executeTakeFirst();
      } finally {
        await database.close();
      }
    }

    const vectorsOf = (documentId: string) => chromaVectorsOf(chroma, documentId);

    it('a move says its vectors may already name the new patient, and running it again finishes it', async () => {
      const document = (await documentNamed(MOVED))!;
      const id = document.id.slice(0, 8);
      unanswered.splice(0, unanswered.length, /\/upsert$/);
      const failed = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
      const spanish = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT, '--lang', 'es'], {
        cwd: root,
        env,
      });
      unanswered.length = 0;

      expect(failed.code, failed.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(failed.stderr).toContain(
        `; the move of document ${id} to expediente ${OTHER_PATIENT} did not finish: its vectors may already name ` +
          `that patient while the registry still files it under ${document.expediente}\n`,
      );
      expect(failed.stderr).toMatch(
        new RegExp(
          `^hint: .*; then run \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\` again to finish it, ` +
            `or \`tecsalud-batch documents move ${id} --to ${document.expediente}\` to put its vectors back$`,
          'm',
        ),
      );
      expect(failed.stderr).not.toMatch(/\n\s+at /);
      expect(spanish.code, spanish.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(spanish.stderr).toContain(
        `el traslado del documento ${id} al expediente ${OTHER_PATIENT} no terminó: puede que sus fragmentos indexados ya nombren ` +
          `a ese paciente mientras el registro aún lo archiva en ${document.expediente}`,
      );
      expect(spanish.stderr).toContain(
        `después ejecute de nuevo \`tecsalud-batch documents move ${id} --to ${OTHER_PATIENT}\``,
      );
      expect(spanish.stderr).not.toMatch(/did not finish|then run|cannot reach|did not answer/);

      // What the message warns of: Chroma took the write, the registry did not.
      expect((await documentNamed(MOVED))!.expediente).toBe(document.expediente);
      expect((await vectorsOf(document.id)).map((v) => v.metadata.expediente)).toContain(OTHER_PATIENT);

      // Meanwhile search, which filters on what the chunks say, must not give that patient another's note.
      const search = (...args: string[]) =>
        runCli(['search', 'asma bronquial', '--patient', OTHER_PATIENT, ...args], { cwd: root, env });
      const json = await search('--json');
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual({
        query: 'asma bronquial',
        results: [],
        left_out: [
          {
            document_id: document.id,
            chunks: document.chunksCount,
            vector_expediente: OTHER_PATIENT,
            registry_expediente: document.expediente,
          },
        ],
        out_of_line: [],
      });
      const text = await search();
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toBe('No matching chunks.\n');
      expect(text.stderr).toBe(
        `warning: ${document.chunksCount} chunks of document ${id} left out: the vector store files them under expediente ` +
          `${OTHER_PATIENT}, the registry under ${document.expediente} (a \`documents move\` that did not finish); ` +
          `\`tecsalud-batch documents move ${id} --to ${document.expediente}\` files its vectors where the registry does ` +
          `(or --to ${OTHER_PATIENT}, if the document is that patient's)\n`,
      );
      const textEs = await search('--lang', 'es');
      expect(textEs.stderr).toMatch(
        new RegExp(
          `^aviso: se omiten ${document.chunksCount} fragmentos del documento ${id}: el índice de búsqueda los archiva en el expediente ${OTHER_PATIENT}, el registro en el ${document.expediente} `,
        ),
      );

      // Under the patient the registry files it under, the note is found, and its chunks said to be out of line.
      const underRegistry = await runCli(
        ['search', 'asma bronquial', '--patient', document.expediente, '--json'],
        { cwd: root, env },
      );
      const registrySearch = JSON.parse(underRegistry.stdout) as {
        results: { patient: { expediente: string }; metadata: { document_id: string; expediente: string } }[];
        out_of_line: unknown[];
      };
      // The patient's other document (detached below) may be among them, its chunks in line.
      const ofMoved = registrySearch.results.filter((result) => result.metadata.document_id === document.id);
      expect(ofMoved.length).toBeGreaterThan(0);
      for (const result of ofMoved) {
        expect(result.metadata.expediente).toBe(OTHER_PATIENT);
        expect(result.patient.expediente).toBe(document.expediente);
      }
      expect(registrySearch.out_of_line).toEqual([
        {
          document_id: document.id,
          chunks: ofMoved.length,
          vector_expediente: OTHER_PATIENT,
          registry_expediente: document.expediente,
        },
      ]);

      const again = await runCli(['documents', 'move', id, '--to', OTHER_PATIENT], { cwd: root, env });
      expect(again.code, again.stderr).toBe(0);
      expect((await documentNamed(MOVED))!.expediente).toBe(OTHER_PATIENT);
      const found = JSON.parse((await search('--json')).stdout) as {
        results: { metadata: { document_id: string } }[];
        left_out: unknown[];
      };
      expect(found.left_out).toEqual([]);
      expect(found.results.map((r) => r.metadata.document_id)).toContain(document.id);
      const vectors = await vectorsOf(document.id);
      expect(vectors).toHaveLength(document.chunksCount);
      for (const vector of vectors) expect(vector.metadata.expediente).toBe(OTHER_PATIENT);
    });

    it('a detach says some chunks may be gone while the registry keeps the document, and running it again finishes it', async () => {
      const document = (await documentNamed(DETACHED))!;
      const id = document.id.slice(0, 8);
      unanswered.splice(0, unanswered.length, /\/delete$/);
      const failed = await runCli(['documents', 'detach', id], { cwd: root, env });
      const spanish = await runCli(
        ['documents', 'detach', (await documentNamed(DETACHED_ES))!.id, '--lang', 'es'],
        {
          cwd: root,
          env,
        },
      );
      unanswered.length = 0;

      expect(failed.code, failed.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(failed.stderr).toContain(
        `; the detach of document ${id} did not finish: some of its chunks may already be gone from the vector store ` +
          `while the registry still files it under expediente ${document.expediente} (its text is kept)\n`,
      );
      expect(failed.stderr).toMatch(
        new RegExp(`^hint: .*; then run \`tecsalud-batch documents detach ${id}\` again to finish it$`, 'm'),
      );
      expect(spanish.code, spanish.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(spanish.stderr).toMatch(
        /la desvinculación del documento \w{8} no terminó: puede que algunos de sus fragmentos/,
      );
      expect(spanish.stderr).toMatch(
        /después ejecute de nuevo `tecsalud-batch documents detach \w{8}` para terminarla$/m,
      );
      expect(spanish.stderr).not.toMatch(/did not finish|then run|cannot reach|did not answer/);
      expect(await documentNamed(DETACHED)).toBeDefined();

      const again = await runCli(['documents', 'detach', id], { cwd: root, env });
      expect(again.code, again.stderr).toBe(0);
      expect(await documentNamed(DETACHED)).toBeUndefined();
      expect(await vectorsOf(document.id)).toEqual([]);
    });

    it('search leaves out the chunks of a document the registry no longer holds, and says so', async () => {
      // As a run killed between writing a document's vectors and its row leaves them (and the file then removed).
      const document = (await documentNamed(MOVED))!;
      const database = await openDatabase(resolveDatabaseTarget(env.TECSALUD_DB!, { cwd: root }));
      try {
        await database.db.deleteFrom('batchFiles').where('documentId', '=', document.id).execute();
        await database.db.deleteFrom('medicalDocuments').where('id', '=', document.id).execute();
      } finally {
        await database.close();
      }
      const searched = await runCli(['search', 'asma bronquial', '-k', '20'], { cwd: root, env });
      expect(searched.code, searched.stderr).toBe(0);
      expect(searched.stdout).not.toContain(MOVED);
      expect(searched.stderr).toBe(
        `warning: ${document.chunksCount} chunks of document ${document.id.slice(0, 8)} (expediente ${document.expediente}) left out: ` +
          'the registry holds no such document, yet its chunks are still in the vector store ' +
          '(`tecsalud-batch cleanup --orphans` deletes them)\n',
      );

      // The cleanup the warning names deletes them from Chroma (read a server batch at a time).
      const cleaned = await runCli(['cleanup', '--orphans', '--json'], { cwd: root, env });
      expect(cleaned.code, cleaned.stderr).toBe(0);
      expect((JSON.parse(cleaned.stdout) as { deleted: unknown[] }).deleted).toContainEqual({
        document_id: document.id,
        chunks: document.chunksCount,
        expediente: document.expediente,
      });
      expect(await vectorsOf(document.id)).toEqual([]);
      const searchedAgain = await runCli(['search', 'asma bronquial', '-k', '20'], { cwd: root, env });
      expect(searchedAgain.stderr).toBe('');
    });

    it('a purge says some vectors may be gone while the registry keeps the documents, and running it again finishes it', async () => {
      const file = '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf';
      fs.mkdirSync(path.join(root, 'purged'));
      fs.copyFileSync(path.join(SAMPLE_DIR, file), path.join(root, 'purged', file));
      const ingested = await runCli(['ingest', 'purged', '--non-interactive', '--json'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(0);
      const session = (JSON.parse(ingested.stdout) as { session_id: string }).session_id.slice(0, 8);
      const documentId = (await documentNamed(file))!.id;

      unanswered.splice(0, unanswered.length, /\/delete$/);
      const failed = await runCli(['cleanup', session, '--purge', '--force', '--lang', 'es'], {
        cwd: root,
        env,
      });
      unanswered.length = 0;
      expect(failed.code, failed.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(failed.stderr).toContain(
        `; la purga de la sesión ${session} no terminó: puede que parte de los fragmentos indexados de sus documentos (1) ya no esté ` +
          'mientras el registro aún los conserva\n',
      );
      expect(failed.stderr).toMatch(
        new RegExp(
          `^sugerencia: .*; después ejecute de nuevo \`tecsalud-batch cleanup ${session} --purge --force\` para terminarla$`,
          'm',
        ),
      );
      expect(await documentNamed(file)).toBeDefined();

      const again = await runCli(['cleanup', session, '--purge', '--force'], { cwd: root, env });
      expect(again.code, again.stderr).toBe(0);
      expect(await documentNamed(file)).toBeUndefined();
      expect(await vectorsOf(documentId)).toEqual([]);
    });
  },
);
