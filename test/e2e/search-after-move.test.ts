import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * After `documents move`, search showed the chunk's own details: the filename it came in under, which names the
 * patient it was taken from. The clinician must read whose the note is now, by the registry.
 */

const MOVED = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const FROM = '3000016374';
const TO = '3000001298';
const TO_NAME = 'HUERTA SOTO, GABRIELA';

describe('search after a document is moved (embedded store)', { tags: ['slow'] }, () => {
  let root: string;
  const env = { TECSALUD_DB: 'registry.db' };
  const cli = (...args: string[]) => runCli(args, { cwd: root, env });
  let documentId: string;
  let firstMove: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    root = createTempDir('tecsalud-search-move-');
    fs.mkdirSync(path.join(root, 'drop'));
    fs.copyFileSync(path.join(SAMPLE_DIR, MOVED), path.join(root, 'drop', MOVED));
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const ingested = await cli('ingest', 'drop', '--non-interactive', '--json');
    expect(ingested.code, ingested.stderr).toBe(0);
    documentId = (JSON.parse(ingested.stdout) as { files: { document_id: string }[] }).files[0]!.document_id;
    firstMove = await cli('documents', 'move', documentId.slice(0, 8), '--to', TO);
    expect(firstMove.code, firstMove.stderr).toBe(0);
  });

  it('a move to clearly another person than the filename names says so, with the move that takes it back', () => {
    expect(firstMove.stdout).toMatch(
      /^Moved document \w{8} .* to 3000001298 HUERTA SOTO, GABRIELA with its \d+ chunks\.\n$/,
    );
    expect(firstMove.stderr).toBe(
      `⚠ Its filename names RÍOS CORONADO, CÉSAR, clearly another person than ${TO} ${TO_NAME}. If the expediente ` +
        `was mistyped, move it back: tecsalud-batch documents move ${documentId.slice(0, 8)} --to ${FROM}\n`,
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('shows the patient the registry files the document under now, and that the filename names another', async () => {
    const text = await cli('search', 'asma bronquial', '-k', '1');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(
      new RegExp(
        `^1\\. ${MOVED} · expediente ${TO} ${TO_NAME} \\(by the registry; the filename names ${FROM}\\) · consultation · chunk \\d/\\d · distance`,
      ),
    );
    const spanish = await cli('search', 'asma bronquial', '-k', '1', '--lang', 'es');
    expect(spanish.stdout).toMatch(
      new RegExp(
        `^1\\. ${MOVED} · expediente ${TO} ${TO_NAME} \\(según el registro; el nombre del archivo dice ${FROM}\\) · consulta`,
      ),
    );

    const json = await cli('search', 'asma bronquial', '-k', '1', '--json');
    const [hit] = (
      JSON.parse(json.stdout) as {
        results: { patient: unknown; filename: string; metadata: Record<string, unknown> }[];
      }
    ).results;
    expect(hit!.patient).toEqual({ id: hit!.metadata.patient_id, expediente: TO, name: TO_NAME });
    expect(hit!.filename).toBe(MOVED);
  });

  it('says nothing of the filename when it names the registry patient', async () => {
    const back = await cli('documents', 'move', documentId.slice(0, 8), '--to', FROM, '--json');
    expect(back.code, back.stderr).toBe(0);
    // The filename's own patient: no warning.
    expect(back.stderr).toBe('');
    expect(JSON.parse(back.stdout)).toMatchObject({
      to_expediente: FROM,
      filename_name: 'RÍOS CORONADO, CÉSAR',
      filename_names_another_person: false,
    });
    const text = await cli('search', 'asma bronquial', '-k', '1');
    expect(text.stdout).toMatch(
      new RegExp(`^1\\. ${MOVED} · expediente ${FROM} RIOS CORONADO, CESAR · consultation · `),
    );
  });

  it('--patient finds the notes the registry files under the patient even where their chunks name another, and says so', async () => {
    // As a move leaves it whose registry write went through but whose vector write did not (the chunks still
    // name 3000016374): the registry alone is changed, by hand.
    const database = await openDatabase(resolveDatabaseTarget('registry.db', { cwd: root }));
    try {
      const to = await database.db
        .selectFrom('patients')
        .select('id')
        .where('expediente', '=', TO)
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable('medicalDocuments')
        .set({ patientId: to.id, expediente: TO })
        .where('id', '=', documentId)
        .execute();
    } finally {
      await database.close();
    }
    const id = documentId.slice(0, 8);
    const json = await cli('search', 'asma bronquial', '--patient', TO, '-k', '2', '--json');
    expect(json.code, json.stderr).toBe(0);
    const found = JSON.parse(json.stdout) as {
      results: { patient: { expediente: string }; metadata: Record<string, unknown> }[];
      left_out: unknown[];
      out_of_line: unknown[];
    };
    expect(
      found.results.map((r) => [r.patient.expediente, r.metadata.expediente, r.metadata.document_id]),
    ).toEqual([
      [TO, FROM, documentId],
      [TO, FROM, documentId],
    ]);
    expect(found.left_out).toEqual([]);
    expect(found.out_of_line).toEqual([
      { document_id: documentId, chunks: 2, vector_expediente: FROM, registry_expediente: TO },
    ]);

    const text = await cli('search', 'asma bronquial', '--patient', TO, '-k', '1');
    expect(text.stdout).toMatch(new RegExp(`^1\\. ${MOVED} · expediente ${TO} ${TO_NAME} `));
    expect(text.stderr).toBe(
      `warning: document ${id} is shown under expediente ${TO}, the registry's, yet the vector store files 1 chunk of it ` +
        `under expediente ${FROM} (a \`documents move\` that did not finish); \`tecsalud-batch documents move ${id} --to ${TO}\` ` +
        'files its vectors where the registry does\n',
    );
    const spanish = await cli('search', 'asma bronquial', '--patient', TO, '-k', '3', '--lang', 'es');
    expect(spanish.stderr).toBe(
      `aviso: el documento ${id} se muestra en el expediente ${TO}, el del registro, pero el índice de búsqueda archiva ` +
        `3 fragmentos de él en el expediente ${FROM} (un \`documents move\` que no terminó); ` +
        `\`tecsalud-batch documents move ${id} --to ${TO}\` archiva sus fragmentos indexados donde lo hace el registro\n`,
    );

    // Under the patient the chunks name, the note is not shown: the registry files it elsewhere.
    const other = JSON.parse(
      (await cli('search', 'asma bronquial', '--patient', FROM, '--json')).stdout,
    ) as typeof found;
    expect(other.results).toEqual([]);
    expect(other.left_out).toEqual([
      { document_id: documentId, chunks: 3, vector_expediente: FROM, registry_expediente: TO },
    ]);

    // The move the warning names brings the chunks in line.
    expect((await cli('documents', 'move', id, '--to', TO)).code).toBe(0);
    const fixed = await cli('search', 'asma bronquial', '--patient', TO, '--json');
    expect(JSON.parse(fixed.stdout)).toMatchObject({ left_out: [], out_of_line: [] });
    expect(fixed.stderr).toBe('');
  });
});
