import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSearchAdapters } from '../../src/app/open-backends.js';
import { detachDocumentCommand, moveDocumentCommand } from '../../src/commands/documents.js';
import { ingest } from '../../src/commands/ingest.js';
import { review } from '../../src/commands/review.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import type { BackendConfig } from '../../src/config/load-config.js';
import { ReviewService } from '../../src/review/review-service.js';
import { commandContext, defaultBackends } from '../support/command-context.js';
import { captureIo } from '../support/databases.js';
import { inProcessExtractor } from '../support/ingest-fixture.js';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  type DatabaseCopy,
  type IngestedSample,
} from './support/ingested-sample.js';

let sample: IngestedSample;
let copy: DatabaseCopy;
let database: OpenDatabase;
let backends: BackendConfig;

beforeAll(async () => {
  backends = await defaultBackends();
  sample = await ingestSample();
});
afterAll(() => sample.cleanup());
beforeEach(async () => {
  copy = copyDatabase(sample.templateDb);
  database = await copy.open();
});
afterEach(async () => {
  await database.close();
  copy.cleanup();
});

async function run<T>(handler: (context: Awaited<ReturnType<typeof commandContext>>) => Promise<T>) {
  const captured = captureIo();
  const context = await commandContext({ cwd: path.dirname(copy.url), db: copy.url, io: captured.io });
  const code = await handler(context);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** An ingested document with vectors, and another patient of the registry to move it to. */
async function someDocument() {
  const document = await database.db
    .selectFrom('medicalDocuments')
    .selectAll()
    .where('vectorized', '=', 1)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const other = await database.db
    .selectFrom('patients')
    .selectAll()
    .where('id', '!=', document.patientId)
    .orderBy('expediente')
    .executeTakeFirstOrThrow();
  return { document, other };
}

async function vectorsOf(documentId: string) {
  const { vectorStore } = await openSearchAdapters({ database, backends });
  try {
    return await vectorStore.readDocument(documentId);
  } finally {
    await vectorStore.close();
  }
}

describe('documents move / detach', () => {
  it('moves a document, its file and its vectors to another patient, audited with both patients', async () => {
    const { document, other } = await someDocument();
    const chunks = (await vectorsOf(document.id)).length;
    expect(chunks).toBeGreaterThan(0);
    const result = await run((context) =>
      moveDocumentCommand(document.id.slice(0, 8), { to: other.expediente, user: 'revisora' }, context),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`to ${other.expediente}`);

    const moved = await database.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('id', '=', document.id)
      .executeTakeFirstOrThrow();
    expect(moved).toMatchObject({ patientId: other.id, expediente: other.expediente });
    const vectors = await vectorsOf(document.id);
    expect(vectors).toHaveLength(chunks);
    for (const v of vectors)
      expect(v.metadata).toMatchObject({ patient_id: other.id, expediente: other.expediente });
    const audit = await database.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'document_moved')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'revisora',
      actorKind: 'reviewer',
      documentId: document.id,
      patientBefore: document.patientId,
      patientAfter: other.id,
    });
  });

  it('a row an older version wrote, naming no collection, names the one its chunks are found in once moved', async () => {
    const { document, other } = await someDocument();
    expect(document.collection).toBe('medical_documents');
    const forget = () =>
      database.db
        .updateTable('medicalDocuments')
        .set({ collection: null })
        .where('id', '=', document.id)
        .execute();
    const collection = () =>
      database.db
        .selectFrom('medicalDocuments')
        .select('collection')
        .where('id', '=', document.id)
        .executeTakeFirstOrThrow();
    const move = (to: string) =>
      run((context) => moveDocumentCommand(document.id.slice(0, 8), { to, user: 'revisora' }, context));
    // To its own patient: nothing else to change, the row learns where its chunks are.
    await forget();
    expect((await move(document.expediente)).code).toBe(0);
    expect(await collection()).toEqual({ collection: 'medical_documents' });
    // To another: with the move's rows.
    await forget();
    expect((await move(other.expediente)).code).toBe(0);
    expect(await collection()).toEqual({ collection: 'medical_documents' });
  });

  it('detaches a document: vectors gone, its file waits for review again in its session', async () => {
    const { document } = await someDocument();
    const sessionRow = () =>
      database.db
        .selectFrom('batchUploads')
        .selectAll()
        .where('id', '=', document.batchId!)
        .executeTakeFirstOrThrow();
    const before = await sessionRow();
    // As after a cleanup that removed the session's file rows, or a file re-registered elsewhere: the detach
    // makes the file's row anew, one more file of the session.
    await database.db
      .updateTable('batchFiles')
      .set({ documentId: null })
      .where('documentId', '=', document.id)
      .execute();
    await database.db
      .updateTable('medicalDocuments')
      .set({ batchFileId: null })
      .where('id', '=', document.id)
      .execute();
    const result = await run((context) =>
      detachDocumentCommand(document.id, { user: 'revisora', json: true }, context),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      file_id: string;
      session_id: string;
      chunks_removed: number;
    };
    expect(report.session_id).toBe(document.batchId);
    expect(report.chunks_removed).toBeGreaterThan(0);
    // The session's counts still add up: one more file, waiting for review.
    const rows = await database.db
      .selectFrom('batchFiles')
      .select('id')
      .where('batchId', '=', document.batchId!)
      .execute();
    expect(await sessionRow()).toMatchObject({
      totalFiles: rows.length,
      reviewRequired: before.reviewRequired + 1,
    });
    expect(rows.length).toBe(before.totalFiles + 1);
    expect(
      await database.db.selectFrom('medicalDocuments').selectAll().where('id', '=', document.id).execute(),
    ).toEqual([]);
    expect(await vectorsOf(document.id)).toEqual([]);

    const service = new ReviewService({ database, reviewer: 'revisora' });
    const pending = await service.listPending(document.batchId ?? undefined);
    expect(pending.map((f) => f.id)).toContain(report.file_id);
    const reviewCase = await service.loadCase(report.file_id);
    expect(reviewCase.heldReason).toBe('detached');
    expect(reviewCase.detached).toMatchObject({ by: 'revisora', fromExpediente: document.expediente });
    expect(reviewCase.text.length).toBeGreaterThan(0);
    await service.close();
    const audit = await database.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'document_detached')
      .execute();
    expect(audit[0]).toMatchObject({
      documentId: document.id,
      patientBefore: document.patientId,
      patientAfter: null,
    });

    // Its id, given again (a second terminal, an old note), says what became of it rather than "no document".
    for (const again of [
      () => run((context) => detachDocumentCommand(document.id.slice(0, 8), { user: 'revisora' }, context)),
      () =>
        run((context) =>
          moveDocumentCommand(
            document.id.slice(0, 8),
            { to: document.expediente, user: 'revisora' },
            context,
          ),
        ),
    ]) {
      await expect(again()).rejects.toMatchObject({
        exitCode: 64,
        message: expect.stringMatching(
          new RegExp(
            `^document ${document.id.slice(0, 8)} was detached on \\d{4}-\\d{2}-\\d{2} by revisora: it is no longer a document, its file went back to review in session ${document.batchId!.slice(0, 8)}$`,
          ),
        ),
        hint: expect.stringContaining(`tecsalud-batch status ${document.batchId!.slice(0, 8)} --files`),
      });
    }
  });

  it('ingest --force does not hand a moved document back to the patient its filename names', async () => {
    const { document, other } = await someDocument();
    await run((context) =>
      moveDocumentCommand(document.id, { to: other.expediente, user: 'revisora' }, context),
    );
    const forced = await run((context) =>
      ingest(
        sample.sourceDir,
        { nonInteractive: true, json: true, force: true },
        { ...context, extractor: inProcessExtractor },
      ),
    );
    const report = JSON.parse(forced.stdout) as {
      files: { filename: string; outcome: string; error?: string }[];
    };
    const file = report.files.find((f) => f.filename === document.filename)!;
    expect(file.outcome).toBe('ingested');
    expect(file.error).toContain(
      `re-ingested for expediente ${other.expediente}, the patient this content is attached to`,
    );

    const row = await database.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('id', '=', document.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ patientId: other.id, expediente: other.expediente });
    const vectors = await vectorsOf(document.id);
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors)
      expect(v.metadata).toMatchObject({ patient_id: other.id, expediente: other.expediente });
  });

  it('refuses a document id of wildcards or blanks instead of taking it for every document', async () => {
    const { document, other } = await someDocument();
    // One document left: a prefix that matched every row would name it.
    await database.db.deleteFrom('medicalDocuments').where('id', '!=', document.id).execute();
    for (const id of ['%%%%', '____', '    ']) {
      await expect(run((context) => detachDocumentCommand(id, {}, context))).rejects.toMatchObject({
        exitCode: 64,
      });
      await expect(
        run((context) => moveDocumentCommand(id, { to: other.expediente }, context)),
      ).rejects.toMatchObject({
        exitCode: 64,
      });
    }
    expect(await database.db.selectFrom('medicalDocuments').selectAll().execute()).toMatchObject([
      { id: document.id, patientId: document.patientId },
    ]);
  });

  it('refuses an unknown document or expediente with a hint', async () => {
    const { document } = await someDocument();
    await expect(
      run((context) => moveDocumentCommand('ffffffff', { to: '3000000000' }, context)),
    ).rejects.toMatchObject({
      exitCode: 64,
      hint: expect.stringContaining('patients show'),
    });
    await expect(
      run((context) => moveDocumentCommand(document.id, { to: '0000000000' }, context)),
    ).rejects.toMatchObject({
      exitCode: 64,
    });
  });
});

describe('rejections', () => {
  it('review --reopen puts a rejected file back in review and lifts the remembered rejection', async () => {
    const service = new ReviewService({ database, reviewer: 'revisora' });
    const file = (await service.listPending()).find((f) => f.filename === ID_CONFLICT_FILE)!;
    const decided = await service.decide(await service.loadCase(file.id), { kind: 'reject' });
    expect(decided.ok).toBe(true);
    await service.close();
    const remembered = await database.db.selectFrom('rejectedContents').selectAll().execute();
    expect(remembered.map((r) => r.contentSha256)).toEqual([file.contentSha256]);

    const result = await run((context) =>
      review(undefined, { reopen: file.id.slice(0, 8), user: 'revisora' }, context),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('waits for review again');
    expect(await database.db.selectFrom('rejectedContents').selectAll().execute()).toEqual([]);
    const row = await database.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(row.matchingStatus).toBe('review_required');

    // Twice (a second terminal, a script re-run): said as it is, not "no rejected file".
    await expect(
      run((context) => review(undefined, { reopen: file.id.slice(0, 8), user: 'revisora' }, context)),
    ).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringMatching(
        /is not rejected: it already waits for review \(session .*\); nothing to reopen/,
      ),
      hint: expect.stringContaining(`tecsalud-batch review ${file.batchId.slice(0, 8)}`),
    });
  });
});
