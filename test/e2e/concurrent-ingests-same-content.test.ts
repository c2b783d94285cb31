import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import {
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { REGISTRY_CSV, type JsonReport } from '../support/ingest-fixture.js';

// Two records staff ingest two folders into one registry at once, and the folders hold the same lab reports
// under two patients' names (texts that name nobody). Run one after the other, the second run's copies fail as
// filed under another patient. Run at once, each run found no document when it judged its files: the run that
// committed second filed the documents over the first's, under its own patient, and both reported them
// ingested — one of them for a patient the registry no longer files them under.
const FILES = 6;
const ROUNDS = 2;
const AS_HUERTA = (numero: string) => `3000768077_HUERTA SOTO, GABRIELA_${numero}_LAB.pdf`;
const AS_BONILLA = (numero: string) => `3000147773_BONILLA SEPÚLVEDA, ADRIANA_${numero}_LAB.pdf`;

describe.each(DATABASE_KINDS)('two ingests of the same content at once (%s)', { tags: ['slow'] }, (kind) => {
  let cwd: string;
  let database: TestDatabase;

  beforeEach(async () => {
    cwd = createTempDir('tecsalud-concurrent-ingest-');
    database = await createTestDatabase(kind);
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', database.url], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterEach(async () => {
    await database.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('files each content once, under the patient the run that reports it ingested names', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = ['a', 'b'].map((folder) => path.join(cwd, `${folder}${round}`));
      fs.mkdirSync(a!);
      fs.mkdirSync(b!);
      for (let i = 0; i < FILES; i++) {
        const text = `RESULTADOS DE LABORATORIO ${round}-${i}\n\nHemoglobina 13.${i} g/dL.\nGlucosa ${90 + i} mg/dL.`;
        const pdf = await makeTextPdf([text], { title: 'LAB', date: '2026-11-02' });
        const numero = String(6380098700 + round * 10 + i);
        fs.writeFileSync(path.join(a!, AS_HUERTA(numero)), pdf);
        fs.writeFileSync(path.join(b!, AS_BONILLA(numero)), pdf);
      }
      const args = (folder: string) => {
        const list = ['ingest', folder, '--db', database.url, '--json', '--non-interactive'];
        return kind === 'postgres' ? [...list, '--type', 'complete'] : list;
      };
      const runs = await Promise.all([runCli(args(a!), { cwd }), runCli(args(b!), { cwd })]);
      const reports = runs.map((run) => {
        expect([0, 3], run.stderr).toContain(run.code);
        return JSON.parse(run.stdout) as JsonReport;
      });

      const handle = await database.open();
      const documents = (
        await handle.db.selectFrom('medicalDocuments').select(['id', 'expediente', 'filename']).execute()
      ).filter((document) => document.filename.includes(`_63800987${round}`));
      expect(documents).toHaveLength(FILES);
      const filedUnder = new Map(documents.map((document) => [document.id, document.expediente]));
      // Every file reported ingested names the patient its document is filed under; the other copy of each
      // content fails as filed under another patient, as it does in runs one after the other.
      const ingested = reports.flatMap((report) =>
        report.files.filter((file) => file.outcome === 'ingested'),
      );
      expect(ingested).toHaveLength(FILES);
      for (const file of ingested) expect(filedUnder.get(file.document_id!)).toBe(file.filename.slice(0, 10));
      const copies = reports.flatMap((report) => report.files.filter((file) => file.outcome !== 'ingested'));
      expect(copies.map((file) => file.outcome)).toEqual(Array(FILES).fill('duplicate_other_patient'));
      // The chunks say the same patient as their document.
      if (kind === 'sqlite') {
        const chunks = await sql<{ documentId: string; expediente: string }>`
          select document_id, json_extract(metadata, '$.expediente') as expediente from vec_c1_chunks`.execute(
          handle.db,
        );
        const ours = chunks.rows.filter((chunk) => filedUnder.has(chunk.documentId));
        expect(ours).toHaveLength(FILES);
        for (const chunk of ours) expect(chunk.expediente).toBe(filedUnder.get(chunk.documentId));
      }
    }
  });
});
