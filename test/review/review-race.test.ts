import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSearchAdapters } from '../../src/app/open-backends.js';
import { documentIdForContent } from '../../src/core/pipeline/document-id.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { ReviewService } from '../../src/review/review-service.js';
import { defaultBackends } from '../support/command-context.js';
import {
  copyDatabase,
  ingestSample,
  NAME_ONLY_FILE,
  type DatabaseCopy,
  type IngestedSample,
} from './support/ingested-sample.js';

// A reviewer attaches a file while another process (an ingest of another folder, `serve`, a worker) files the
// same bytes under another patient. The decision checked for a document first, then chunked and embedded, then
// stored: the store replaced the other process's document, moving it to the reviewer's patient without a word.
let sample: IngestedSample;
let copy: DatabaseCopy;
let database: OpenDatabase;
let other: OpenDatabase;

beforeAll(async () => {
  sample = await ingestSample();
});
afterAll(() => sample.cleanup());
beforeEach(async () => {
  copy = copyDatabase(sample.templateDb);
  database = await copy.open();
  other = await copy.open();
});
afterEach(async () => {
  await other.close();
  await database.close();
  copy.cleanup();
});

/** Another process files `contentSha256` under expediente 3000016374, as its ingest would. */
async function fileElsewhere(contentSha256: string): Promise<void> {
  const patient = await other.db
    .selectFrom('patients')
    .selectAll()
    .where('expediente', '=', '3000016374')
    .executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  await other.db
    .insertInto('medicalDocuments')
    .values({
      id: documentIdForContent(contentSha256),
      patientId: patient.id,
      batchId: null,
      batchFileId: null,
      expediente: patient.expediente,
      filename: `3000016374_RIOS CORONADO, CESAR_EMER.pdf`,
      documentType: 'emergency',
      documentTypeCode: 'EMER',
      numero: null,
      contentSha256,
      processingType: 'complete',
      content: 'texto',
      pages: 1,
      chunksCount: 0,
      vectorized: 0,
      createdAt: now,
      updatedAt: now,
      ocrEngine: null,
      ocrPages: null,
      ocrConfidence: null,
      collection: null,
    })
    .execute();
}

describe.each(['attach', 'new_patient'] as const)(
  'a review decision (%s) while another process files the same bytes',
  { tags: ['slow'] },
  (kind) => {
    it('is refused, and the document stays with the patient that process filed it under', async () => {
      const backends = await defaultBackends();
      let sha = '';
      const service = new ReviewService({
        database,
        reviewer: 'revisora',
        openVectors: async (collection) => {
          const adapters = await openSearchAdapters({ database, backends, collection });
          const embed = adapters.embedder.embed.bind(adapters.embedder);
          // While the decision embeds the chunks, the other process commits its document.
          adapters.embedder.embed = async (texts) => {
            await fileElsewhere(sha);
            return embed(texts);
          };
          return adapters;
        },
      });
      try {
        const pending = await service.listPending();
        const file = pending.find((f) => f.filename === NAME_ONLY_FILE)!;
        sha = file.contentSha256!;
        const patientsBefore = await database.db.selectFrom('patients').select('id').execute();
        const reviewCase = await service.loadCase(file.id);
        const result = await service.decide(
          reviewCase,
          kind === 'attach' ? { kind: 'attach', candidate: 1 } : { kind: 'new_patient' },
        );
        expect(result).toMatchObject({
          ok: false,
          notice: { code: 'already_ingested', expediente: '3000016374' },
        });
        const document = await database.db
          .selectFrom('medicalDocuments')
          .selectAll()
          .where('contentSha256', '=', sha)
          .executeTakeFirstOrThrow();
        expect(document.expediente).toBe('3000016374');
        const row = await database.db
          .selectFrom('batchFiles')
          .selectAll()
          .where('id', '=', file.id)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({
          processingStatus: 'pending',
          outcome: 'review_required',
          documentId: null,
        });
        expect(await database.db.selectFrom('patients').select('id').execute()).toHaveLength(
          patientsBefore.length,
        );
      } finally {
        await service.close();
      }
    });
  },
);
