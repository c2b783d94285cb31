import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../src/adapters/embedders/hashing-embedder.js';
import { createSqliteVecStore } from '../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import type { DocumentVectors, VectorStore } from '../../src/adapters/vector-stores/types.js';
import { parseFilename } from '../../src/core/filename/parse-filename.js';
import type { ParsedFilename } from '../../src/core/filename/types.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import type { BatchFile, Patient } from '../../src/db/schema.js';
import { GroupCommitter } from '../../src/ingest/group-committer.js';
import { FileStageError } from '../../src/documents/stage-error.js';
import { prepareDocument, writeFiles, type FileWrite } from '../../src/documents/store-document.js';
import {
  ContentFiledMeanwhileError,
  PatientRenamedMeanwhileError,
} from '../../src/db/repositories/file-write-repository.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

const embedder = createHashingEmbedder();

describe.each(DATABASE_KINDS)('GroupCommitter on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let vectorDb: Database.Database;
  let vectorStore: VectorStore;
  /** How many documents each vector-store call carried. */
  let vectorCalls: number[];
  let files: BatchFile[];
  let patient: Patient;
  let sessionId: string;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    vectorDb = new Database(':memory:');
    const store = createSqliteVecStore({ database: vectorDb });
    await store.ensureCollection({ embedderId: embedder.id, dimension: embedder.dimension });
    vectorCalls = [];
    // The real store, counting its calls: grouping is what is under test.
    vectorStore = {
      ...store,
      collection: store.collection,
      replaceDocuments: (documents: DocumentVectors[]) => {
        vectorCalls.push(documents.length);
        return store.replaceDocuments(documents);
      },
    };
    const batches = new BatchRepository(database.db);
    const session = await batches.createSession({
      uploadedBy: 'test',
      processingType: 'both',
      sourceDir: '/drop',
      options: SESSION_OPTIONS,
    });
    sessionId = session.id;
    files = await batches.registerFiles(
      session.id,
      Array.from({ length: 5 }, (_, i) => ({
        relativePath: filename(i),
        filename: filename(i),
        fileSize: null,
      })),
    );
    ({ patient } = await new PatientRepository(database.db).insertOrGet(
      { expediente: '3000000001', apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARIA' },
      'registry_import',
    ));
  });

  afterEach(async () => {
    await database.close();
    vectorDb.close();
    await testDb.cleanup();
  });

  function filename(i: number): string {
    return `3000000001_GARZA TIJERINA, MARIA_600000000${i}_CONS.pdf`;
  }

  async function fileWrite(
    i: number,
    overrides: { patientId?: string; patient?: Patient; batchFileId?: string } = {},
  ): Promise<FileWrite> {
    const parse = parseFilename(filename(i));
    const parsed = (parse as { parsed: ParsedFilename }).parsed;
    return prepareDocument(
      { embedder },
      {
        batchId: sessionId,
        batchFileId: overrides.batchFileId ?? files[i]!.id,
        patient: overrides.patient ?? { ...patient, id: overrides.patientId ?? patient.id },
        parsed,
        text: `Nota de consulta ${i}: paciente con diabetes tipo 2, control de glucosa. `.repeat(40),
        pages: 1,
        contentSha256: String(i).repeat(64),
        processingType: 'both',
        chunkSize: 1000,
        chunkOverlap: 200,
        embedBatchSize: 256,
        actor: 'test',
        fileUpdate: { outcome: 'ingested', processingStatus: 'completed', matchingStatus: 'matched' },
        auditAction: 'document_ingested',
      },
    );
  }

  async function storedOutcomes(): Promise<(string | null)[]> {
    const rows = await database.db
      .selectFrom('batchFiles')
      .select(['relativePath', 'outcome'])
      .orderBy('relativePath')
      .execute();
    return rows.map((row) => row.outcome);
  }

  async function documentCount(): Promise<number> {
    const rows = await database.db.selectFrom('medicalDocuments').select('id').execute();
    return rows.length;
  }

  it('writes files that arrive together in one vector-store call, and resolves each once committed', async () => {
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 5, maxDelayMs: 60_000 });
    const writes = await Promise.all([0, 1, 2, 3, 4].map((i) => fileWrite(i)));
    const committed = writes.map((write) => committer.write(write));
    expect(committer.backlog).toBe(5);
    const shares = await Promise.all(committed);
    expect(shares.every((ms) => ms >= 0)).toBe(true);
    expect(vectorCalls).toEqual([5]);
    expect(committer.backlog).toBe(0);
    expect(await documentCount()).toBe(5);
    expect(await storedOutcomes()).toEqual(Array(5).fill('ingested'));
    const chunks = writes.reduce((sum, write) => sum + write.document!.row.chunksCount, 0);
    expect(await vectorStore.count()).toBe(chunks);
  });

  it('leaves content another process filed meanwhile to it: that file fails, the others are written, its chunks keep their patient', async () => {
    // Another process (an ingest of another folder) files content 0 under another patient just after this group's
    // check, its vectors then its row; this group's vectors of it come after, and carry this group's patient.
    const { patient: other } = await new PatientRepository(database.db).insertOrGet(
      { expediente: '3000000002', apellidoPaterno: 'SALINAS', apellidoMaterno: 'ROJO', nombres: 'PEDRO' },
      'registry_import',
    );
    const elsewhere = await fileWrite(0, { patient: other, batchFileId: files[4]!.id });
    const store = vectorStore;
    let filed = false;
    const racing: VectorStore = {
      ...store,
      collection: store.collection,
      replaceDocuments: async (documents: DocumentVectors[]) => {
        if (!filed) {
          filed = true;
          await writeFiles({ database, vectorStore: store }, [elsewhere]);
        }
        return store.replaceDocuments(documents);
      },
    };
    const committer = new GroupCommitter(
      { database, vectorStore: racing },
      { maxFiles: 4, maxDelayMs: 60_000 },
    );
    const writes = await Promise.all([0, 1, 2, 3].map((i) => fileWrite(i)));
    const results = await Promise.allSettled(
      writes.map((write) => committer.write({ ...write, document: { ...write.document!, isNew: true } })),
    );
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(ContentFiledMeanwhileError) });
    expect(results.slice(1).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const id = writes[0]!.document!.row.id;
    const row = await database.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ patientId: other.id, batchFileId: files[4]!.id });
    const chunks = await store.readDocument(id);
    expect(chunks).toHaveLength(row.chunksCount);
    expect(new Set(chunks.map((chunk) => chunk.metadata.expediente))).toEqual(new Set(['3000000002']));
    expect(new Set(chunks.map((chunk) => chunk.metadata.patient_id))).toEqual(new Set([other.id]));
    expect(await documentCount()).toBe(4);
  });

  it('attaches nothing to a patient a registry import renamed since the match: that file fails, the others are written', async () => {
    const writes = await Promise.all([0, 1].map((i) => fileWrite(i)));
    const asMatched = { apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARIA' };
    // Between the match and the commit, the registry gives expediente 3000000001 to another person.
    await database.db
      .updateTable('patients')
      .set({ apellidoPaterno: 'ZAPATA', apellidoMaterno: 'LUNA', nombres: 'PEDRO' })
      .where('id', '=', patient.id)
      .execute();
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 2, maxDelayMs: 60_000 });
    const results = await Promise.allSettled([
      committer.write({ ...writes[0]!, document: { ...writes[0]!.document!, patientAsMatched: asMatched } }),
      // Matched under its new name (after the import): written.
      committer.write({
        ...writes[1]!,
        document: {
          ...writes[1]!.document!,
          patientAsMatched: { apellidoPaterno: 'ZAPATA', apellidoMaterno: 'LUNA', nombres: 'PEDRO' },
        },
      }),
    ]);
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.any(PatientRenamedMeanwhileError),
    });
    expect(results[1]!.status).toBe('fulfilled');
    const held = writes[0]!.document!.row.id;
    expect(
      await database.db.selectFrom('medicalDocuments').select('id').where('id', '=', held).execute(),
    ).toEqual([]);
    expect(await vectorStore.readDocument(held)).toEqual([]);
    expect(await documentCount()).toBe(1);
    // A change of spelling only (accents, case) is no rename: written.
    await database.db
      .updateTable('patients')
      .set({ apellidoPaterno: 'Zapata', apellidoMaterno: 'LÚNA', nombres: 'PEDRO' })
      .where('id', '=', patient.id)
      .execute();
    const written = await fileWrite(2);
    const alone = committer.write({
      ...written,
      document: {
        ...written.document!,
        patientAsMatched: { apellidoPaterno: 'ZAPATA', apellidoMaterno: 'LUNA', nombres: 'PEDRO' },
      },
    });
    await committer.flush();
    await alone;
    expect(await documentCount()).toBe(2);
  });

  it('writes a lone file after the delay, without waiting for a full group', async () => {
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 32, maxDelayMs: 5 });
    await committer.write(await fileWrite(0));
    expect(await documentCount()).toBe(1);
  });

  it('writes what waits on flush, and starts a group as soon as it is full', async () => {
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 2, maxDelayMs: 60_000 });
    const writes = await Promise.all([0, 1, 2].map((i) => fileWrite(i)));
    const committed = writes.map((write) => committer.write(write));
    await Promise.all(committed.slice(0, 2));
    expect(vectorCalls).toEqual([2]);
    await committer.flush();
    await committed[2];
    expect(vectorCalls).toEqual([2, 1]);
    expect(await documentCount()).toBe(3);
  });

  it('fails only the file the vector store refuses; the rest of its group is written', async () => {
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 3, maxDelayMs: 60_000 });
    const writes = await Promise.all([0, 1, 2].map((i) => fileWrite(i)));
    writes[1]!.document!.vectors!.records[0]!.embedding = new Float32Array(3);
    const settled = await Promise.allSettled(writes.map((write) => committer.write(write)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (settled[1] as PromiseRejectedResult).reason as FileStageError;
    expect(reason).toBeInstanceOf(FileStageError);
    expect(reason.outcome).toBe('vector_store_failed');
    expect(await documentCount()).toBe(2);
    expect(await storedOutcomes()).toEqual(['ingested', null, 'ingested', null, null]);
  });

  it('fails only the file the database refuses, with the database error; the rest is written', async () => {
    const committer = new GroupCommitter({ database, vectorStore }, { maxFiles: 3, maxDelayMs: 60_000 });
    const writes = await Promise.all([
      fileWrite(0),
      fileWrite(1, { patientId: '00000000-0000-0000-0000-000000000000' }),
      fileWrite(2),
    ]);
    const settled = await Promise.allSettled(writes.map((write) => committer.write(write)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(FileStageError);
    expect(await documentCount()).toBe(2);
    expect(await storedOutcomes()).toEqual(['ingested', null, 'ingested', null, null]);
  });
});
