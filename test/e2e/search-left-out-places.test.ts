import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir, withRegistryAt } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Chunks search leaves out (their document filed under another patient by the registry, or held no more) took
 * the places of those it shows: `-k 1` whose nearest chunk was left out showed nothing, though the patient had
 * other notes. `-k` is the number of results shown.
 */

const PATIENT = '3000635026';
const ELSEWHERE = '3000875628';
const FILES = [
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf',
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6582016577_LAB.pdf',
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6715403318_CONS.pdf',
  '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6001537201_CONS.pdf',
];
const QUERY = 'laboratorio hemoglobina glucosa';

interface Found {
  results: { patient: { expediente: string }; metadata: { document_id: string } }[];
  left_out: { document_id: string; chunks: number; registry_expediente: string | null }[];
}

describe('search -k counts the results it shows, not the chunks it leaves out', { tags: ['slow'] }, () => {
  let root: string;
  const env = { TECSALUD_DB: 'registry.db' };
  const cli = (...args: string[]) => runCli(args, { cwd: root, env });
  const search = async (...args: string[]) => {
    const run = await cli('search', QUERY, '--json', ...args);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Found;
  };

  const withDatabase = <T>(use: (database: OpenDatabase) => Promise<T>) =>
    withRegistryAt(root, 'registry.db', use);

  beforeAll(async () => {
    root = createTempDir('tecsalud-search-places-');
    fs.mkdirSync(path.join(root, 'drop'));
    for (const name of FILES) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(root, 'drop', name));
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const ingested = await cli('ingest', 'drop', '--non-interactive');
    expect(ingested.code, ingested.stderr).toBe(0);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--patient: a note the registry files elsewhere does not take the place of the patient’s own', async () => {
    const [nearest] = (await search('--patient', PATIENT, '-k', '1')).results;
    const moved = nearest!.metadata.document_id;
    // As a move leaves it whose registry write went through but whose vector write did not.
    await withDatabase(async ({ db }) => {
      const to = await db
        .selectFrom('patients')
        .select('id')
        .where('expediente', '=', ELSEWHERE)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('medicalDocuments')
        .set({ patientId: to.id, expediente: ELSEWHERE })
        .where('id', '=', moved)
        .execute();
    });

    const found = await search('--patient', PATIENT, '-k', '1');
    expect(found.results).toHaveLength(1);
    expect(found.results[0]!.metadata.document_id).not.toBe(moved);
    expect(found.results[0]!.patient.expediente).toBe(PATIENT);
    expect(found.left_out.map((d) => [d.document_id, d.registry_expediente])).toEqual([[moved, ELSEWHERE]]);
  });

  it('a document the registry holds no more does not take the places of those it holds', async () => {
    const before = await search('-k', '2');
    const orphan = before.results[0]!.metadata.document_id;
    await withDatabase(async ({ db }) => {
      await db.deleteFrom('batchFiles').where('documentId', '=', orphan).execute();
      await db.deleteFrom('medicalDocuments').where('id', '=', orphan).execute();
    });

    const found = await search('-k', '2');
    expect(found.results).toHaveLength(2);
    expect(found.results.map((r) => r.metadata.document_id)).not.toContain(orphan);
    expect(found.left_out.map((d) => [d.document_id, d.registry_expediente])).toEqual([[orphan, null]]);
  });
});
