import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  BatchFile,
  BatchFileUpdate,
  BatchStatus,
  BatchUpload,
  Database,
  ProcessingType,
} from '../schema.js';
import { writeSessionOptions, type SessionOptions } from '../session-options.js';

export interface NewSession {
  uploadedBy: string;
  processingType: ProcessingType;
  sourceDir: string;
  options: SessionOptions;
}

export interface RegisteredFile {
  relativePath: string;
  filename: string;
  fileSize: number | null;
}

const ROWS_PER_STATEMENT = 500;

/**
 * Sessions (`batch_uploads`) and their files (`batch_files`). Session ids are random (v4), not
 * time-ordered: people type their first characters, which must differ between sessions.
 */
export class BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createSession(session: NewSession): Promise<BatchUpload> {
    const row: BatchUpload = {
      id: randomUUID(),
      uploadedBy: session.uploadedBy,
      processingType: session.processingType,
      status: 'pending',
      sourceDir: session.sourceDir,
      totalFiles: 0,
      processedFiles: 0,
      failedFiles: 0,
      createdPatients: 0,
      matchedPatients: 0,
      reviewRequired: 0,
      duplicates: 0,
      optionsJson: writeSessionOptions(session.options),
      errorMessage: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      completedAt: null,
    };
    await this.db.insertInto('batchUploads').values(row).execute();
    return row;
  }

  async markStarted(sessionId: string): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set({ status: 'processing', startedAt: new Date().toISOString() })
      .where('id', '=', sessionId)
      .execute();
  }

  async finishSession(
    sessionId: string,
    status: BatchStatus,
    errorMessage: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set({ status, errorMessage, completedAt: new Date().toISOString() })
      .where('id', '=', sessionId)
      .execute();
  }

  /** Registers files as pending; re-registering a path of the same session is a no-op. */
  async registerFiles(sessionId: string, files: RegisteredFile[]): Promise<BatchFile[]> {
    const now = new Date().toISOString();
    const rows: BatchFile[] = files.map((file) => ({
      id: randomUUID(),
      batchId: sessionId,
      relativePath: file.relativePath,
      filename: file.filename,
      fileSize: file.fileSize,
      contentSha256: null,
      expediente: null,
      documentType: null,
      documentTypeCode: null,
      numero: null,
      matchingStatus: 'pending',
      processingStatus: 'pending',
      outcome: null,
      errorMessage: null,
      matchConfidence: null,
      matchingDetails: null,
      patientId: null,
      documentId: null,
      pages: null,
      chunks: null,
      extractedText: null,
      ocrEngine: null,
      ocrPages: null,
      ocrConfidence: null,
      lowOcrConfidence: 0,
      createdAt: now,
      updatedAt: now,
    }));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        await trx
          .insertInto('batchFiles')
          .values(rows.slice(i, i + ROWS_PER_STATEMENT))
          .onConflict((oc) => oc.columns(['batchId', 'relativePath']).doNothing())
          .execute();
      }
    });
    return rows;
  }

  async updateFile(fileId: string, update: BatchFileUpdate): Promise<void> {
    await this.db
      .updateTable('batchFiles')
      .set({ ...update, updatedAt: new Date().toISOString() })
      .where('id', '=', fileId)
      .execute();
  }

  async findSession(sessionId: string): Promise<BatchUpload | undefined> {
    return this.db.selectFrom('batchUploads').selectAll().where('id', '=', sessionId).executeTakeFirst();
  }

  /** Accepts a full id or a unique prefix (as printed in summaries). */
  async findSessionByPrefix(prefix: string): Promise<BatchUpload[]> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where('id', 'like', `${prefix.replace(/[\\%_]/g, '')}%`)
      .limit(2)
      .execute();
  }

  async latestSession(): Promise<BatchUpload | undefined> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async listSessions(limit: number): Promise<BatchUpload[]> {
    return this.db.selectFrom('batchUploads').selectAll().orderBy('createdAt', 'desc').limit(limit).execute();
  }

  async listFiles(sessionId: string): Promise<BatchFile[]> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('batchId', '=', sessionId)
      .orderBy('relativePath')
      .execute();
  }

  async findFile(fileId: string): Promise<BatchFile | undefined> {
    return this.db.selectFrom('batchFiles').selectAll().where('id', '=', fileId).executeTakeFirst();
  }

  /** A file with these bytes already waiting for an admin (in any session), so a re-run does not queue it twice. */
  async findPendingReviewBySha(contentSha256: string): Promise<BatchFile | undefined> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('contentSha256', '=', contentSha256)
      .where('matchingStatus', '=', 'review_required')
      .where('processingStatus', '=', 'pending')
      .limit(1)
      .executeTakeFirst();
  }

  async pendingReviews(sessionId?: string): Promise<BatchFile[]> {
    let query = this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('matchingStatus', '=', 'review_required')
      .where('processingStatus', '=', 'pending');
    if (sessionId) query = query.where('batchId', '=', sessionId);
    return query.orderBy('createdAt').orderBy('relativePath').execute();
  }

  /**
   * Sessions left `pending`/`processing` by a killed run on this folder. Only call it while holding
   * the run lock for the folder: then nothing else can be running them. Their unfinished files are
   * marked `interrupted` (still pending): the run that took over re-does them.
   */
  async markAbandonedSessions(sourceDir: string, exceptSessionId: string): Promise<number> {
    const abandoned = await this.db
      .selectFrom('batchUploads')
      .select('id')
      .where('sourceDir', '=', sourceDir)
      .where('id', '!=', exceptSessionId)
      .where('status', 'in', ['pending', 'processing'])
      .execute();
    if (abandoned.length === 0) return 0;
    const ids = abandoned.map((s) => s.id);
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('batchFiles')
        .set({
          processingStatus: 'pending',
          outcome: 'interrupted',
          errorMessage: 'the run was interrupted before this file finished; a later run took it over',
          updatedAt: now,
        })
        .where('batchId', 'in', ids)
        .where((eb) => eb.or([eb('processingStatus', '=', 'processing'), eb('outcome', 'is', null)]))
        .execute();
      await trx
        .updateTable('batchUploads')
        .set({
          status: 'failed',
          errorMessage: 'interrupted: the run stopped before finishing; a later run took over its files',
          completedAt: now,
        })
        .where('id', 'in', ids)
        .execute();
    });
    return ids.length;
  }

  /**
   * Removes a session's working state (batch_files rows). Documents are untouched, and so are files
   * still waiting for review: their row and kept text are the review.
   */
  async deleteSessionWorkingState(
    sessionId: string,
  ): Promise<{ removed: number; keptPendingReviews: number }> {
    const result = await this.db
      .deleteFrom('batchFiles')
      .where('batchId', '=', sessionId)
      .where((eb) =>
        eb.not(
          eb.and([eb('matchingStatus', '=', 'review_required'), eb('processingStatus', '=', 'pending')]),
        ),
      )
      .executeTakeFirst();
    const kept = await this.db
      .selectFrom('batchFiles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('batchId', '=', sessionId)
      .executeTakeFirstOrThrow();
    return { removed: Number(result.numDeletedRows), keptPendingReviews: Number(kept.n) };
  }

  /** Finished sessions (any final status) completed before `cutoff` (ISO timestamp). */
  async finishedSessionsBefore(cutoff: string): Promise<BatchUpload[]> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where('status', 'in', ['completed', 'partially_failed', 'failed'])
      .where('completedAt', '<', cutoff)
      .orderBy('completedAt')
      .execute();
  }
}
