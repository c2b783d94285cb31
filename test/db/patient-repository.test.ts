import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { patientBlockingKeys, queryBlockingKeys } from '../../src/core/matching/blocking-keys.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { DocumentRepository } from '../../src/db/repositories/document-repository.js';
import { PatientRepository, type PatientInput } from '../../src/db/repositories/patient-repository.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  type DatabaseKind,
  type TestDatabase,
} from '../support/databases.js';

const GARZA: PatientInput = {
  expediente: '3000000001',
  apellidoPaterno: 'GARZA',
  apellidoMaterno: 'TIJERINA',
  nombres: 'MARIA ESTHER',
  fechaNacimiento: '1970-01-02',
  sexo: 'F',
};
const LOPEZ: PatientInput = {
  expediente: '3000000002',
  apellidoPaterno: 'LOPEZ',
  apellidoMaterno: 'RUIZ',
  nombres: 'JUAN',
};
const LOPEZ_TWIN: PatientInput = { ...LOPEZ, expediente: '3000000003', nombres: 'JUAN CARLOS' };

/** An import of one batch of rows. */
function upsertMany(patients: PatientRepository, rows: PatientInput[], source: 'registry_import') {
  return patients.importRegistry(source, (registryImport) => registryImport.upsert(rows));
}

/**
 * Every database, and on SQLite both of the repository's code paths: better-sqlite3's prepared statements
 * (what forDatabase picks there) and kysely's (what PostgreSQL runs), which must behave the same.
 */
const VARIANTS: { kind: DatabaseKind; statements: 'sqlite' | 'kysely' }[] = DATABASE_KINDS.flatMap(
  (kind): { kind: DatabaseKind; statements: 'sqlite' | 'kysely' }[] =>
    kind === 'sqlite'
      ? [
          { kind, statements: 'sqlite' },
          { kind, statements: 'kysely' },
        ]
      : [{ kind, statements: 'kysely' }],
);

describe.each(VARIANTS)('PatientRepository on $kind with $statements statements', ({ kind, statements }) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let patients: PatientRepository;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    patients =
      statements === 'sqlite' ? PatientRepository.forDatabase(database) : new PatientRepository(database.db);
    expect(statements === 'sqlite' ? database.sqlite : true).toBeTruthy();
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  it('upserts many: inserts, then leaves identical rows alone, then updates changed ones', async () => {
    expect(await upsertMany(patients, [GARZA, LOPEZ], 'registry_import')).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      renames: [],
      detailChanges: [],
      confirmations: [],
      numberClashes: [],
    });
    expect(await upsertMany(patients, [GARZA, LOPEZ], 'registry_import')).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 2,
      renames: [],
      detailChanges: [],
      confirmations: [],
      numberClashes: [],
    });
    const renamed = { ...LOPEZ, apellidoMaterno: 'RUIZ DE ALBA' };
    expect(await upsertMany(patients, [GARZA, renamed], 'registry_import')).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 1,
      renames: [],
      detailChanges: [],
      confirmations: [],
      numberClashes: [],
    });
    expect(await patients.count()).toBe(2);
    const stored = await patients.findByExpediente(LOPEZ.expediente);
    expect(stored).toMatchObject({ apellidoMaterno: 'RUIZ DE ALBA', source: 'registry_import' });
    expect(stored!.updatedAt >= stored!.createdAt).toBe(true);
    expect(await patients.findByExpediente(GARZA.expediente)).toMatchObject({
      nombres: 'MARIA ESTHER',
      fechaNacimiento: '1970-01-02',
      sexo: 'F',
    });
  });

  it('keeps the last row of a batch when an expediente repeats', async () => {
    const summary = await upsertMany(
      patients,
      [LOPEZ, { ...LOPEZ, nombres: 'JUAN JOSE' }],
      'registry_import',
    );
    expect(summary.inserted).toBe(1);
    expect((await patients.findByExpediente(LOPEZ.expediente))?.nombres).toBe('JUAN JOSE');
  });

  it('upserts more rows than fit in one statement', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => ({
      expediente: String(4000000000 + i),
      apellidoPaterno: `APELLIDO${i % 37}`,
      apellidoMaterno: 'SINTETICO',
      nombres: `NOMBRE${i % 11}`,
    }));
    expect((await upsertMany(patients, many, 'registry_import')).inserted).toBe(1203);
    expect(await patients.count()).toBe(1203);
    expect((await patients.list({ limit: 5, offset: 0 })).map((p) => p.expediente)).toHaveLength(5);
  });

  it('refuses to rename a patient who has documents unless the import allows it; spelling is no rename', async () => {
    await upsertMany(patients, [GARZA, LOPEZ], 'registry_import');
    const garza = (await patients.findByExpediente(GARZA.expediente))!;
    const now = new Date().toISOString();
    await new DocumentRepository(database.db).upsert({
      id: 'doc-garza',
      patientId: garza.id,
      batchId: null,
      batchFileId: null,
      expediente: garza.expediente,
      filename: 'garza.pdf',
      documentType: 'consultation',
      documentTypeCode: 'CONS',
      numero: null,
      contentSha256: 'a'.repeat(64),
      processingType: 'complete',
      content: 'text',
      pages: 1,
      chunksCount: 0,
      vectorized: 0,
      collection: null,
      ocrEngine: null,
      ocrPages: null,
      ocrConfidence: null,
      createdAt: now,
      updatedAt: now,
    });
    const renamedGarza = { ...GARZA, nombres: 'ROSA ELENA' };
    const renamedLopez = { ...LOPEZ, nombres: 'PEDRO' };
    const refused = await upsertMany(patients, [renamedGarza, renamedLopez], 'registry_import');
    // LOPEZ has no documents: renaming him is an ordinary update.
    expect(refused).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    expect(refused.renames).toEqual([
      {
        before: expect.objectContaining({ nombres: 'MARIA ESTHER' }),
        after: renamedGarza,
        documents: 1,
        applied: false,
      },
    ]);
    expect((await patients.findByExpediente(GARZA.expediente))!.nombres).toBe('MARIA ESTHER');

    const respelled = { ...GARZA, apellidoPaterno: 'Garza', nombres: 'MARÍA  ESTHER' };
    expect(await upsertMany(patients, [respelled], 'registry_import')).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 0,
      renames: [],
      detailChanges: [],
      confirmations: [],
      numberClashes: [],
    });

    const allowed = await patients.importRegistry(
      'registry_import',
      (registryImport) => registryImport.upsert([renamedGarza]),
      { allowRename: true },
    );
    expect(allowed).toMatchObject({
      updated: 1,
      renames: [expect.objectContaining({ documents: 1, applied: true })],
    });
    expect((await patients.findByExpediente(GARZA.expediente))!.nombres).toBe('ROSA ELENA');
  });

  it('names the added patients whose name and birth date another expediente has, each pair once', async () => {
    await upsertMany(patients, [GARZA, LOPEZ], 'registry_import');
    const pairs = await patients.importRegistry('registry_import', async (registryImport) => {
      await registryImport.upsert([
        GARZA,
        { ...GARZA, expediente: '3000000009' }, // the same person under a new expediente?
        { ...GARZA, expediente: '3000000008', fechaNacimiento: '1970-01-03' }, // born another day: another person
        { ...LOPEZ, expediente: '3000000007' }, // no birth date on either: nothing to compare
        { ...GARZA, expediente: '3000000021', nombres: 'ROSA' },
        { ...GARZA, expediente: '3000000020', nombres: 'ROSA' }, // two added rows: one pair
      ]);
      return registryImport.sameDetailsAsAnother(10);
    });
    expect(pairs.map(({ added, other }) => [added.expediente, other.expediente])).toEqual([
      ['3000000009', '3000000001'],
      ['3000000021', '3000000020'],
    ]);
    // A later import of the same rows adds nobody, so it names nobody.
    const again = await patients.importRegistry('registry_import', async (registryImport) => {
      await registryImport.upsert([{ ...GARZA, expediente: '3000000009' }]);
      return registryImport.sameDetailsAsAnother(10);
    });
    expect(again).toEqual([]);
  });

  it('imports in one transaction: batches see each other, keys and counts follow the last name', async () => {
    const renamed = { ...LOPEZ, apellidoPaterno: 'MARTINEZ', nombres: 'PEDRO' };
    const summaries = await patients.importRegistry('registry_import', async (registryImport) => [
      await registryImport.upsert([LOPEZ, GARZA]),
      await registryImport.upsert([renamed, LOPEZ_TWIN]),
      await registryImport.upsert([GARZA]),
    ]);
    expect(summaries).toEqual([
      {
        inserted: 2,
        updated: 0,
        unchanged: 0,
        renames: [],
        detailChanges: [],
        confirmations: [],
        numberClashes: [],
      },
      {
        inserted: 1,
        updated: 1,
        unchanged: 0,
        renames: [],
        detailChanges: [],
        confirmations: [],
        numberClashes: [],
      },
      {
        inserted: 0,
        updated: 0,
        unchanged: 1,
        renames: [],
        detailChanges: [],
        confirmations: [],
        numberClashes: [],
      },
    ]);
    const candidateKeys = (name: PatientInput) =>
      patientBlockingKeys(name).filter((k) => !k.startsWith('t:'));
    const members = async (keys: string[]) =>
      (await patients.findCandidates({ expediente: '9999999999', keys })).map((p) => p.expediente).sort();
    expect(await members(candidateKeys(renamed))).toContain(LOPEZ.expediente);
    // The name LOPEZ's expediente had in the first batch leaves no key behind: only the twin is found.
    expect(await members(candidateKeys(LOPEZ).filter((k) => !candidateKeys(renamed).includes(k)))).toEqual([
      LOPEZ_TWIN.expediente,
    ]);
    const counts = await patients.countKeys(['t:s:LOPEZ', 't:s:MARTINEZ', 't:g:PEDRO', 't:g:JUAN']);
    expect(Object.fromEntries(counts)).toEqual({
      't:s:LOPEZ': 1,
      't:s:MARTINEZ': 1,
      't:g:PEDRO': 1,
      't:g:JUAN': 1,
    });
  });

  it('rolls a failed import back whole', async () => {
    await upsertMany(patients, [GARZA], 'registry_import');
    await expect(
      patients.importRegistry('registry_import', async (registryImport) => {
        await registryImport.upsert([LOPEZ, { ...GARZA, nombres: 'OTRA' }]);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await patients.count()).toBe(1);
    expect(await patients.findByExpediente(GARZA.expediente)).toMatchObject({ nombres: 'MARIA ESTHER' });
    expect((await patients.countKeys(['t:s:LOPEZ', 't:s:GARZA'])).get('t:s:LOPEZ')).toBeUndefined();
    const lopez = patientBlockingKeys(LOPEZ).filter((k) => !k.startsWith('t:'));
    expect(await patients.findCandidates({ expediente: '9999999999', keys: lopez })).toEqual([]);
  });

  it('makes a patient an ingest created a registry patient when an import brings its expediente', async () => {
    const created = await patients.insertOrGet(
      { ...GARZA, fechaNacimiento: null, sexo: null },
      'batch_ingest',
    );
    const summary = await upsertMany(patients, [GARZA], 'registry_import');
    expect(summary).toMatchObject({ updated: 1, unchanged: 0 });
    expect(summary.confirmations.map(({ before, after }) => [before.source, after.source])).toEqual([
      ['batch_ingest', 'registry_import'],
    ]);
    expect(await patients.findById(created.patient.id)).toMatchObject({
      source: 'registry_import',
      fechaNacimiento: GARZA.fechaNacimiento,
    });
    expect(await upsertMany(patients, [GARZA], 'registry_import')).toMatchObject({
      unchanged: 1,
      confirmations: [],
    });
  });

  it('does not insert an expediente that a stored one is with other leading zeros', async () => {
    await upsertMany(patients, [{ ...GARZA, expediente: '0012345678' }], 'registry_import');
    const summary = await upsertMany(
      patients,
      [{ ...GARZA, expediente: '12345678' }, LOPEZ],
      'registry_import',
    );
    expect(summary).toMatchObject({ inserted: 1 });
    expect(summary.numberClashes.map(({ row, existing }) => [row.expediente, existing.expediente])).toEqual([
      ['12345678', '0012345678'],
    ]);
    expect(await patients.findByExpediente('12345678')).toBeUndefined();
  });

  it('inserts or gets: the first call creates, the next returns the same patient', async () => {
    const first = await patients.insertOrGet(GARZA, 'batch_ingest');
    expect(first.created).toBe(true);
    expect(first.patient).toMatchObject({ expediente: GARZA.expediente, source: 'batch_ingest' });
    const second = await patients.insertOrGet({ ...GARZA, nombres: 'OTRA' }, 'review');
    expect(second).toEqual({ patient: first.patient, created: false });
    expect(await patients.findById(first.patient.id)).toEqual(first.patient);
  });

  it('finds candidates by blocking key and by the owner of the expediente, with numbers for codes', async () => {
    await upsertMany(patients, [GARZA, LOPEZ, LOPEZ_TWIN], 'registry_import');
    const query = { apellidoPaterno: 'LOPEZ', apellidoMaterno: 'RUIZ', nombres: 'JUAN' };
    const found = await patients.findCandidates({ expediente: '9999999999', keys: queryBlockingKeys(query) });
    expect(found.map((p) => p.expediente).sort()).toEqual([LOPEZ.expediente, LOPEZ_TWIN.expediente]);
    const far = await patients.findCandidates({ expediente: '3000000990', keys: [] });
    expect(far).toEqual([]);
    // The owner comes with the patients a keystroke from it: the twin a slipped digit would file it with,
    // whose name may be too common for any blocking key to bring.
    const owner = await patients.findCandidates({ expediente: LOPEZ.expediente, keys: [] });
    expect(owner.map((p) => p.expediente).sort()).toEqual(
      [GARZA.expediente, LOPEZ.expediente, LOPEZ_TWIN.expediente].sort(),
    );
    // A one-keystroke typo of a registered expediente still brings its owner.
    const near = await patients.findCandidates({ expediente: '3000000011', keys: [] });
    expect(near.map((p) => p.expediente)).toContain(GARZA.expediente);
    // So does one with a digit dropped or added, whose length differs.
    for (const slipped of ['300000001', '30000000015']) {
      const found = await patients.findCandidates({ expediente: slipped, keys: [] });
      expect(found.map((p) => p.expediente)).toEqual([GARZA.expediente]);
    }
  });

  it('skips a key shared by more patients than the cap, whole', async () => {
    await upsertMany(patients, [LOPEZ, LOPEZ_TWIN], 'registry_import');
    const keys = patientBlockingKeys(LOPEZ).filter((k) => k.startsWith('p:'));
    expect(keys.length).toBeGreaterThan(0);
    expect(await patients.findCandidates({ expediente: '9999999999', keys, perKeyLimit: 1 })).toEqual([]);
    const withinCap = await patients.findCandidates({ expediente: '9999999999', keys, perKeyLimit: 2 });
    expect(withinCap.map((p) => p.expediente).sort()).toEqual([LOPEZ.expediente, LOPEZ_TWIN.expediente]);
  });

  it('counts keys: term frequencies and candidate keys, following inserts and renames', async () => {
    await upsertMany(patients, [GARZA, LOPEZ, LOPEZ_TWIN], 'registry_import');
    const lopezKeys = patientBlockingKeys(LOPEZ);
    const term = lopezKeys.find((k) => k.startsWith('t:s:'))!;
    const pair = lopezKeys.find((k) => k.startsWith('p:'))!;
    const counts = await patients.countKeys([term, pair, 'p:NOPE|NADA', 't:s:NOEXISTE']);
    expect(counts.get(term)).toBe(2);
    expect(counts.get(pair)).toBe(2);
    expect(counts.get('p:NOPE|NADA')).toBe(0);
    expect(counts.has('t:s:NOEXISTE')).toBe(false);
    expect(typeof counts.get(pair)).toBe('number');

    await upsertMany(patients, [{ ...LOPEZ_TWIN, apellidoPaterno: 'MARTINEZ' }], 'registry_import');
    const after = await patients.countKeys([term, pair]);
    expect(after.get(term)).toBe(1);
    expect(after.get(pair)).toBe(1);
  });

  it('searches by part of the name and lists in name order', async () => {
    await upsertMany(patients, [LOPEZ, GARZA, LOPEZ_TWIN], 'registry_import');
    expect((await patients.searchByName('garza tij', 10)).map((p) => p.expediente)).toEqual([
      GARZA.expediente,
    ]);
    expect((await patients.searchByName('RUIZ, JUAN', 10)).map((p) => p.expediente).sort()).toEqual([
      LOPEZ.expediente,
      LOPEZ_TWIN.expediente,
    ]);
    expect(await patients.searchByName('100%', 10)).toEqual([]);
    const listed = await patients.list({ limit: 10, offset: 1 });
    expect(listed.map((p) => p.apellidoPaterno)).toEqual(['LOPEZ', 'LOPEZ']);
  });

  it('searches and lists blind to accents and case: nunez finds NÚÑEZ, ÁVILA sorts beside AVILA', async () => {
    const person = (expediente: string, apellidoPaterno: string, nombres: string) => ({
      ...GARZA,
      expediente,
      apellidoPaterno,
      apellidoMaterno: 'SOTO',
      nombres,
    });
    await upsertMany(
      patients,
      [
        person('3000000101', 'ZAMORA', 'ANA'),
        person('3000000102', 'ÁVILA', 'JOSÉ'),
        person('3000000103', 'AVILA', 'LUIS'),
        person('3000000104', 'NÚÑEZ', 'MARÍA'),
      ],
      'registry_import',
    );
    const found = async (text: string) => (await patients.searchByName(text, 10)).map((p) => p.expediente);
    expect(await found('nunez')).toEqual(['3000000104']);
    expect(await found('avila')).toEqual(['3000000102', '3000000103']);
    expect(await found('Ávila Soto, José')).toEqual(['3000000102']);
    expect(await found('maría')).toEqual(['3000000104']);
    const listed = await patients.list({ limit: 10, offset: 0 });
    expect(listed.map((p) => p.apellidoPaterno)).toEqual(['ÁVILA', 'AVILA', 'NÚÑEZ', 'ZAMORA']);
  });
});

// SQLite is left out: its connections in one process block the whole thread while they wait for
// the write lock (better-sqlite3 is synchronous), so in-process concurrency cannot be simulated there.
const SERVER_KINDS = DATABASE_KINDS.filter((kind) => kind !== 'sqlite');

describe.skipIf(SERVER_KINDS.length === 0).each(SERVER_KINDS)(
  'PatientRepository under concurrency on %s',
  (kind) => {
    let testDb: TestDatabase;
    const opened: OpenDatabase[] = [];

    beforeEach(async () => {
      testDb = await createTestDatabase(kind);
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((d) => d.close()));
      await testDb.cleanup();
    });

    it('creates exactly one patient when several connections insertOrGet the same expediente at once', async () => {
      const connections = await Promise.all(Array.from({ length: 6 }, () => testDb.open()));
      opened.push(...connections);
      const results = await Promise.all(
        connections.flatMap((database) =>
          Array.from({ length: 3 }, () =>
            PatientRepository.forDatabase(database).insertOrGet(GARZA, 'batch_ingest'),
          ),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.patient.id)).size).toBe(1);
      const repository = PatientRepository.forDatabase(connections[0]!);
      expect(await repository.count()).toBe(1);
      const term = patientBlockingKeys(GARZA).find((k) => k.startsWith('t:s:'))!;
      expect((await repository.countKeys([term])).get(term)).toBe(1);
    });

    it('keeps term counts exact when connections create different patients with shared names at once', async () => {
      const connections = await Promise.all(Array.from({ length: 4 }, () => testDb.open()));
      opened.push(...connections);
      await Promise.all(
        connections.map((database, c) =>
          Promise.all(
            Array.from({ length: 5 }, (_, i) =>
              PatientRepository.forDatabase(database).insertOrGet(
                { ...LOPEZ, expediente: String(5000000000 + c * 10 + i) },
                'batch_ingest',
              ),
            ),
          ),
        ),
      );
      const repository = PatientRepository.forDatabase(connections[0]!);
      expect(await repository.count()).toBe(20);
      const term = patientBlockingKeys(LOPEZ).find((k) => k.startsWith('t:s:'))!;
      expect((await repository.countKeys([term])).get(term)).toBe(20);
    });
  },
);
