import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type {
  BatchFile,
  BatchFileUpdate,
  BatchStatus,
  BatchUpload,
  Database,
  ProcessingType,
} from '../schema.js';
import { writeSessionOptions, type SessionOptions } from '../session-options.js';
import { CompiledOnce } from '../compiled-query.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { likePrefix } from '../like-prefix.js';
import {
  FILE_OUTCOMES,
  UNFINISHED_OUTCOMES,
  outcomeKind,
  type FileOutcome,
} from '../../core/pipeline/file-outcome.js';
import { STOPPED_AT_ONCE_NOTE } from '../../core/pipeline/session-notes.js';

/** The outcomes of a file waiting for a person's review (while its processing status is `pending`). */
const REVIEW_OUTCOMES = (Object.keys(FILE_OUTCOMES) as FileOutcome[]).filter(
  (outcome) => outcomeKind(outcome) === 'review',
);

export interface NewSession {
  /** A caller that names things after the session (an upload folder) chooses its id; random otherwise. */
  id?: string;
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

/** Every file of an ingest asks it (already waiting for review?): compiled once. */
const PENDING_REVIEW_BY_SHA = new CompiledOnce((db: Kysely<Database>, contentSha256: string) =>
  db
    .selectFrom('batchFiles')
    .selectAll()
    .where('contentSha256', '=', contentSha256)
    .where('matchingStatus', '=', 'review_required')
    .where('processingStatus', '=', 'pending')
    // A literal, not a parameter: SQLite compiles a statement with a bound LIMIT again on every run.
    .limit(sql.lit(1)),
);

/**
 * Sessions (`batch_uploads`) and their files (`batch_files`). Session ids are random (v4), not
 * time-ordered: people type their first characters, which must differ between sessions.
 */
export class BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createSession(session: NewSession): Promise<BatchUpload> {
    const row: BatchUpload = {
      id: session.id ?? randomUUID(),
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
      supersededBy: null,
    };
    await this.db.insertInto('batchUploads').values(row).execute();
    return row;
  }

  /** The session is running (again, when resumed: it keeps the time its first run started). */
  async markStarted(sessionId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('batchUploads')
      .set((eb) => ({
        status: 'processing',
        startedAt: eb.fn.coalesce('startedAt', eb.val(now)),
        completedAt: null,
        errorMessage: null,
      }))
      .where('id', '=', sessionId)
      .execute();
  }

  /**
   * Removes a session that never started (the run was refused before it took any file), with its files:
   * a refused run leaves nothing behind that looks pending.
   */
  async deleteUnstartedSession(sessionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const session = await trx
        .selectFrom('batchUploads')
        .select('startedAt')
        .where('id', '=', sessionId)
        .executeTakeFirst();
      if (!session || session.startedAt !== null) return;
      await trx.deleteFrom('batchFiles').where('batchId', '=', sessionId).execute();
      await trx.deleteFrom('batchUploads').where('id', '=', sessionId).execute();
    });
  }

  /**
   * Deletes a session nobody ever started processing (pending, or failed before it took a file) and its file
   * rows, together; returns the files it held, or null when it is gone or was started meanwhile (by any
   * process: the condition is in the statement, so a run marking it started first wins and nothing is deleted).
   * With `quietSince` (an expiry), 'active' when the session took a file after that time. The session's row is
   * locked first (PostgreSQL), so an upload registering on another server either lands before — and is seen
   * here — or waits and then finds the session gone: never a file row deleted under a 200, nor an insert error.
   * `audit` makes the discard's audit entry, written in the same transaction.
   */
  async discardUnstartedSession(sessionId: string): Promise<BatchFile[] | null>;
  async discardUnstartedSession(
    sessionId: string,
    quietSince: string | undefined,
    audit?: (session: BatchUpload, files: BatchFile[]) => AuditEvent,
  ): Promise<BatchFile[] | null | 'active'>;
  async discardUnstartedSession(
    sessionId: string,
    quietSince?: string,
    audit?: (session: BatchUpload, files: BatchFile[]) => AuditEvent,
  ): Promise<BatchFile[] | null | 'active'> {
    const startedMeanwhile = new Error('started meanwhile');
    try {
      // On SQLite the transaction holds the write lock from its start (WriteFirstSqliteDialect): no row lock needed.
      return await this.db.transaction().execute(async (trx) => {
        const locked = await trx
          .selectFrom('batchUploads')
          .selectAll()
          .where('id', '=', sessionId)
          .$if(isPostgres(this.db), (query) => query.forUpdate())
          .executeTakeFirst();
        if (!locked) return null;
        const files = await trx
          .selectFrom('batchFiles')
          .selectAll()
          .where('batchId', '=', sessionId)
          .orderBy('relativePath')
          .execute();
        const latestUpload = files.reduce<string | null>(
          (latest, file) => (latest === null || file.createdAt > latest ? file.createdAt : latest),
          null,
        );
        if (quietSince !== undefined && latestOf(locked, latestUpload) > quietSince) return 'active';
        await trx.deleteFrom('batchFiles').where('batchId', '=', sessionId).execute();
        const deleted = await trx
          .deleteFrom('batchUploads')
          .where('id', '=', sessionId)
          .where('startedAt', 'is', null)
          .where('status', 'in', ['pending', 'failed'])
          .executeTakeFirst();
        // Thrown to roll the file rows back.
        if (Number(deleted.numDeletedRows) === 0) throw startedMeanwhile;
        // In the same commit: a call about the session on another server never finds it gone and not yet
        // audited (404, "never held"), it finds it discarded (410).
        if (audit) await new AuditRepository(trx).record(audit(locked, files));
        return files;
      });
    } catch (error) {
      if (error === startedMeanwhile) return null;
      throw error;
    }
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

  /**
   * A finished session's status put in step with a file settled after it finished (a transfer found abandoned
   * by a later run); a session still open is left to the run that finishes it, its completion time unchanged.
   */
  async restateFinishedSession(sessionId: string, status: BatchStatus): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set({ status })
      .where('id', '=', sessionId)
      .where('status', 'in', ['completed', 'partially_failed', 'failed'])
      .execute();
  }

  /** Registers files as pending; re-registering a path of the same session is a no-op. */
  async registerFiles(sessionId: string, files: RegisteredFile[]): Promise<BatchFile[]> {
    const rows = newFileRows(sessionId, files);
    await this.db.transaction().execute((trx) => insertFileRows(trx, rows));
    return rows;
  }

  /**
   * Registers uploaded files as `registerFiles` does, only while the session still takes uploads (never
   * started): null when it is gone (discarded or expired by another server meanwhile) or started. The session's
   * row is share-locked (PostgreSQL) until the files are in, so a discard waits for them and then sees them.
   */
  async registerUploadedFiles(sessionId: string, files: RegisteredFile[]): Promise<BatchFile[] | null> {
    // On SQLite the transaction holds the write lock from its start (WriteFirstSqliteDialect): no row lock needed.
    return this.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('batchUploads')
        .select('id')
        .where('id', '=', sessionId)
        .where('startedAt', 'is', null)
        .where('status', 'in', ['pending', 'failed'])
        .$if(isPostgres(this.db), (query) => query.forShare())
        .executeTakeFirst();
      if (!open) return null;
      const rows = newFileRows(sessionId, files);
      await insertFileRows(trx, rows);
      return rows;
    });
  }

  async updateFile(fileId: string, update: BatchFileUpdate): Promise<void> {
    await this.db
      .updateTable('batchFiles')
      .set({ ...update, updatedAt: new Date().toISOString() })
      .where('id', '=', fileId)
      .execute();
  }

  /** Many files' states in one transaction (files settled, deferred or gone, recorded together). */
  async updateFiles(updates: { fileId: string; update: BatchFileUpdate }[]): Promise<void> {
    if (updates.length === 0) return;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (const { fileId, update } of updates) {
        await trx
          .updateTable('batchFiles')
          .set({ ...update, updatedAt: now })
          .where('id', '=', fileId)
          .execute();
      }
    });
  }

  /** The same update for many files, ROWS_PER_STATEMENT per statement (the files a run leaves for the next). */
  async updateFilesAlike(fileIds: string[], update: BatchFileUpdate): Promise<void> {
    if (fileIds.length === 0) return;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < fileIds.length; i += ROWS_PER_STATEMENT) {
        await trx
          .updateTable('batchFiles')
          .set({ ...update, updatedAt: now })
          .where('id', 'in', fileIds.slice(i, i + ROWS_PER_STATEMENT))
          .execute();
      }
    });
  }

  /** Of these contents, those waiting for review (in any session), with the file that waits. */
  async pendingReviewsBySha(shas: string[]): Promise<Map<string, BatchFile>> {
    const found = new Map<string, BatchFile>();
    for (let i = 0; i < shas.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('contentSha256', 'in', shas.slice(i, i + ROWS_PER_STATEMENT))
        .where('matchingStatus', '=', 'review_required')
        .where('processingStatus', '=', 'pending')
        .execute();
      for (const row of rows) if (!found.has(row.contentSha256!)) found.set(row.contentSha256!, row);
    }
    return found;
  }

  /**
   * Of these contents, those a file not final yet carries, in any session (waiting, being processed, or waiting
   * for review): a run or a review decision may be about to store them, their vectors first.
   */
  async contentsNotFinal(shas: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < shas.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('batchFiles')
        .select('contentSha256')
        .where('contentSha256', 'in', shas.slice(i, i + ROWS_PER_STATEMENT))
        .where((eb) =>
          eb.or([eb('processingStatus', 'in', ['pending', 'processing']), eb('outcome', 'is', null)]),
        )
        .execute();
      for (const row of rows) found.add(row.contentSha256!);
    }
    return found;
  }

  /** The sessions a run, a worker or the server is processing now. */
  async processingSessionIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('batchUploads')
      .select('id')
      .where('status', '=', 'processing')
      .execute();
    return rows.map((row) => row.id);
  }

  async findSession(sessionId: string): Promise<BatchUpload | undefined> {
    return this.db.selectFrom('batchUploads').selectAll().where('id', '=', sessionId).executeTakeFirst();
  }

  /**
   * Accepts a full id or a unique prefix (as printed in summaries). Up to `limit` sessions, newest first: more
   * than one means the prefix is ambiguous, and the caller may list them.
   */
  async findSessionByPrefix(prefix: string, limit = 2): Promise<BatchUpload[]> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where('id', 'like', likePrefix(prefix))
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
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

  /**
   * Per session, its files waiting for review, from their recorded states: its own reviews, and the copies of
   * content that was already waiting elsewhere when it reached them (`already_pending_review`), apart. What a
   * list of sessions shows, so that its rows sum right (the session's own counter counted both before).
   */
  async waitingForReview(
    sessionIds: readonly string[],
  ): Promise<Map<string, { reviewRequired: number; alreadyWaiting: number }>> {
    const counts = new Map(sessionIds.map((id) => [id, { reviewRequired: 0, alreadyWaiting: 0 }]));
    if (sessionIds.length === 0) return counts;
    const rows = await this.db
      .selectFrom('batchFiles')
      .select((eb) => ['batchId', 'outcome', eb.fn.countAll<number | string>().as('n')])
      .where('batchId', 'in', [...sessionIds])
      .where('processingStatus', '=', 'pending')
      .where('outcome', 'in', REVIEW_OUTCOMES)
      .groupBy(['batchId', 'outcome'])
      .execute();
    for (const row of rows) {
      const count = counts.get(row.batchId)!;
      if (row.outcome === 'already_pending_review') count.alreadyWaiting += Number(row.n);
      else count.reviewRequired += Number(row.n);
    }
    return counts;
  }

  /** The session's files left `deferred` (over --max-files) for a later run of the folder. */
  async countDeferred(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('batchFiles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('batchId', '=', sessionId)
      .where('outcome', '=', 'deferred')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async countFiles(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('batchFiles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('batchId', '=', sessionId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Sessions never processed — `pending`, or `failed` before their run took a file (a backend down at start) —
   * with when each was last active: its latest file's registration, its failed start, or its creation. What an
   * upload session's expiry is measured from.
   */
  async unprocessedSessionsLastActive(): Promise<{ session: BatchUpload; lastActiveAt: string }[]> {
    const sessions = await this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where('status', 'in', ['pending', 'failed'])
      .where('startedAt', 'is', null)
      .execute();
    if (sessions.length === 0) return [];
    const latest = new Map<string, string>();
    for (let i = 0; i < sessions.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('batchFiles')
        .select((eb) => ['batchId', eb.fn.max('createdAt').as('latest')])
        .where(
          'batchId',
          'in',
          sessions.slice(i, i + ROWS_PER_STATEMENT).map((session) => session.id),
        )
        .groupBy('batchId')
        .execute();
      for (const row of rows) if (row.latest) latest.set(row.batchId, String(row.latest));
    }
    return sessions.map((session) => ({
      session,
      lastActiveAt: latestOf(session, latest.get(session.id) ?? null),
    }));
  }

  /** When the session was last active (see unprocessedSessionsLastActive). */
  async lastActiveAt(session: Pick<BatchUpload, 'id' | 'createdAt' | 'completedAt'>): Promise<string> {
    const row = await this.db
      .selectFrom('batchFiles')
      .select((eb) => eb.fn.max('createdAt').as('latest'))
      .where('batchId', '=', session.id)
      .executeTakeFirst();
    return latestOf(session, row?.latest ? String(row.latest) : null);
  }

  async listFiles(sessionId: string): Promise<BatchFile[]> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('batchId', '=', sessionId)
      .orderBy('relativePath')
      .execute();
  }

  /** A session's files' paths, without the rest of their rows (a held file's text among it). */
  async listFilePaths(sessionId: string): Promise<{ relativePath: string }[]> {
    return this.db.selectFrom('batchFiles').select('relativePath').where('batchId', '=', sessionId).execute();
  }

  /** A session's files with these bytes (the copies of one content). */
  async filesWithContent(sessionId: string, contentSha256: string): Promise<BatchFile[]> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('contentSha256', '=', contentSha256)
      .where('batchId', '=', sessionId)
      .orderBy('relativePath')
      .execute();
  }

  /** A session's file by its path in the folder (unique within the session). */
  async findFileByPath(sessionId: string, relativePath: string): Promise<BatchFile | undefined> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('batchId', '=', sessionId)
      .where('relativePath', '=', relativePath)
      .executeTakeFirst();
  }

  /** The files the folder's other sessions left pending with one of `outcomes` (a file still being written, say). */
  async filesOfOtherSessions(
    sourceDir: string,
    exceptSessionId: string,
    outcomes: string[],
  ): Promise<BatchFile[]> {
    return (
      this.db
        .selectFrom('batchFiles')
        .innerJoin('batchUploads', 'batchUploads.id', 'batchFiles.batchId')
        .selectAll('batchFiles')
        .where('batchUploads.sourceDir', '=', sourceDir)
        .where('batchFiles.batchId', '!=', exceptSessionId)
        // Unfinished outcomes only: the (batch_id, processing_status) index finds them without reading settled files.
        .where('batchFiles.processingStatus', '=', 'pending')
        .where('batchFiles.outcome', 'in', outcomes)
        .execute()
    );
  }

  async findFile(fileId: string): Promise<BatchFile | undefined> {
    return this.db.selectFrom('batchFiles').selectAll().where('id', '=', fileId).executeTakeFirst();
  }

  /**
   * Rewrites a file's detail from `from` to `to`, only if its row still says `from`: of two processes
   * rewriting it at once, one does it (true) and the other is told (false).
   */
  async rewriteMessage(fileId: string, from: string, to: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('batchFiles')
      .set({ errorMessage: to, updatedAt: new Date().toISOString() })
      .where('id', '=', fileId)
      .where('errorMessage', '=', from)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }

  /** The outcome each of these files' rows records now, by id (a file not registered is left out). */
  async outcomesOf(fileIds: readonly string[]): Promise<Map<string, string | null>> {
    const outcomes = new Map<string, string | null>();
    // A few thousand ids at a time: one statement's parameters are bounded (65535 in PostgreSQL).
    for (let start = 0; start < fileIds.length; start += 5000) {
      const rows = await this.db
        .selectFrom('batchFiles')
        .select(['id', 'outcome'])
        .where('id', 'in', fileIds.slice(start, start + 5000))
        .execute();
      for (const row of rows) outcomes.set(row.id, row.outcome);
    }
    return outcomes;
  }

  /** Where each of these files' matching and processing stand now, by id (a file not registered is left out). */
  async matchingStatesOf(
    fileIds: readonly string[],
  ): Promise<Map<string, Pick<BatchFile, 'id' | 'matchingStatus' | 'processingStatus'>>> {
    const states = new Map<string, Pick<BatchFile, 'id' | 'matchingStatus' | 'processingStatus'>>();
    for (let start = 0; start < fileIds.length; start += 5000) {
      const rows = await this.db
        .selectFrom('batchFiles')
        .select(['id', 'matchingStatus', 'processingStatus'])
        .where('id', 'in', fileIds.slice(start, start + 5000))
        .execute();
      for (const row of rows) states.set(row.id, row);
    }
    return states;
  }

  /** Files whose id starts with `prefix` (as printed): at most `limit`. */
  async findFilesByIdPrefix(prefix: string, limit = 2): Promise<BatchFile[]> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('id', 'like', likePrefix(prefix))
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** A file with these bytes already waiting for an admin (in any session), so a re-run does not queue it twice. */
  async findPendingReviewBySha(contentSha256: string): Promise<BatchFile | undefined> {
    return PENDING_REVIEW_BY_SHA.executeTakeFirst(this.db, contentSha256);
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
   * What a person settling this session's reviews must see: its own files waiting for review, and the files of
   * earlier sessions that its `already_pending_review` files are copies of (a re-run of a folder points there,
   * and `review SESSION` must not answer "no reviews pending" while the folder's files still wait).
   */
  async pendingReviewsHeldBy(sessionId: string): Promise<BatchFile[]> {
    return this.db
      .selectFrom('batchFiles')
      .selectAll()
      .where('matchingStatus', '=', 'review_required')
      .where('processingStatus', '=', 'pending')
      .where((eb) =>
        eb.or([
          eb('batchId', '=', sessionId),
          eb(
            'contentSha256',
            'in',
            eb
              .selectFrom('batchFiles as copy')
              .select('copy.contentSha256')
              .where('copy.batchId', '=', sessionId)
              .where('copy.outcome', '=', 'already_pending_review'),
          ),
        ]),
      )
      .orderBy('createdAt')
      .orderBy('relativePath')
      .execute();
  }

  /**
   * A second Ctrl-C ends the process at once: the session it leaves is recorded `interrupted` (DECISIONS 1),
   * as the dashboard's last frame says, rather than `processing` until the next run; that run resumes it.
   */
  async markInterrupted(sessionId: string): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set({ status: 'interrupted', errorMessage: STOPPED_AT_ONCE_NOTE })
      .where('id', '=', sessionId)
      .where('status', 'in', ['pending', 'processing'])
      .execute();
  }

  /**
   * The newest session of this folder put on the job queue by `ingest --enqueue` and not final: interrupted
   * (Ctrl-C) before every file had its job, or its workers not done yet. The next enqueue of the folder
   * resumes it, queueing only the files not final that have no live job (new files of the folder among them).
   */
  async unfinishedEnqueue(sourceDir: string): Promise<BatchUpload | undefined> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where('sourceDir', '=', sourceDir)
      .where('status', 'in', ['pending', 'processing', 'interrupted'])
      .where('supersededBy', 'is', null)
      .where('id', 'in', (eb) => eb.selectFrom('queueSessions').select('batchId'))
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Closes a session as interrupted, saying why and what to do (a Ctrl-C that stopped it cleanly). */
  async markInterruptedBecause(sessionId: string, errorMessage: string): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set({ status: 'interrupted', errorMessage })
      .where('id', '=', sessionId)
      .execute();
  }

  /**
   * Sessions of this folder a run did not finish: interrupted (Ctrl-C), still marked pending/processing by
   * a run that was killed, or stopped by a backend that went down (`failed`, with files never started: those
   * wait for the next run, DECISIONS 2). Newest first; superseded ones are finished with. Only meaningful while
   * holding the folder's run lock: then nothing else is running them.
   */
  async unfinishedSessions(sourceDir: string): Promise<BatchUpload[]> {
    return (
      this.db
        .selectFrom('batchUploads')
        .selectAll()
        .where('sourceDir', '=', sourceDir)
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['pending', 'processing', 'interrupted']),
            eb.and([
              eb('status', '=', 'failed'),
              eb.exists(
                eb
                  .selectFrom('batchFiles')
                  .select('batchFiles.id')
                  .whereRef('batchFiles.batchId', '=', 'batchUploads.id')
                  // Never started (a run over --max-files, whose files left `deferred`, is done with like any other).
                  .where('batchFiles.outcome', 'is', null),
              ),
            ]),
          ]),
        )
        .where('supersededBy', 'is', null)
        // A session put on the job queue is finished by workers, not by a run holding the folder's lock.
        .where('id', 'not in', (eb) => eb.selectFrom('queueSessions').select('batchId'))
        .orderBy('createdAt', 'desc')
        .execute()
    );
  }

  /**
   * Closes unfinished sessions that a later session takes over instead of resuming them: they stay
   * `interrupted`, and their files not final are marked as taken over (the later session has them).
   */
  async supersedeSessions(sessionIds: string[], by: string): Promise<void> {
    if (sessionIds.length === 0) return;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('batchFiles')
        .set({
          processingStatus: 'pending',
          outcome: 'interrupted',
          errorMessage: `the run was interrupted before this file finished; session ${by} took it over`,
          updatedAt: now,
        })
        .where('batchId', 'in', sessionIds)
        .where((eb) =>
          eb.or([
            eb('outcome', 'is', null),
            eb('outcome', 'in', [...UNFINISHED_OUTCOMES]),
            eb('processingStatus', '=', 'processing'),
          ]),
        )
        .execute();
      await trx
        .updateTable('batchUploads')
        .set((eb) => ({
          status: 'interrupted',
          supersededBy: by,
          errorMessage: `interrupted: session ${by} took over the files it had not finished`,
          completedAt: eb.fn.coalesce('completedAt', eb.val(now)),
        }))
        .where('id', 'in', sessionIds)
        .execute();
    });
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

  /**
   * Finished sessions completed before `cutoff` (ISO timestamp): any final status, and interrupted sessions
   * a later one took over (one not taken over is still to be resumed).
   */
  async finishedSessionsBefore(cutoff: string): Promise<BatchUpload[]> {
    return this.db
      .selectFrom('batchUploads')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('status', 'in', ['completed', 'partially_failed', 'failed']),
          eb.and([eb('status', '=', 'interrupted'), eb('supersededBy', 'is not', null)]),
        ]),
      )
      .where('completedAt', '<', cutoff)
      .orderBy('completedAt')
      .execute();
  }
}

/** The latest of a session's creation, its failed start (completedAt of a run that never started) and its latest upload. */
function latestOf(
  session: Pick<BatchUpload, 'createdAt' | 'completedAt'>,
  latestUpload: string | null,
): string {
  return [session.createdAt, session.completedAt, latestUpload].reduce<string>(
    (a, b) => (b && b > a ? b : a),
    session.createdAt,
  );
}

/**
 * Row locks (`for update`, `for share`) are PostgreSQL's: SQLite has none, its writers go one at a time (each
 * transaction begun immediate, see WriteFirstSqliteDialect, so that one reading first then writing waits its turn).
 */
function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The rows of files newly registered in a session: pending, nothing known of them yet. */
function newFileRows(sessionId: string, files: RegisteredFile[]): BatchFile[] {
  const now = new Date().toISOString();
  return files.map((file) => ({
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
    moveError: null,
    createdAt: now,
    updatedAt: now,
  }));
}

async function insertFileRows(trx: Kysely<Database>, rows: BatchFile[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await trx
      .insertInto('batchFiles')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((oc) => oc.columns(['batchId', 'relativePath']).doNothing())
      .execute();
  }
}
