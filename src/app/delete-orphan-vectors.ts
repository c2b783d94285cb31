import { sql } from 'kysely';
import type { StoredDocument, VectorStore } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository, type ChunkFiling } from '../db/repositories/document-repository.js';
import { isStaleCopy } from '../documents/stale-copy.js';
import { RunLockRepository } from '../db/repositories/run-lock-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { readRunLockState } from '../ingest/run-lock.js';
import { asSeenNow } from './abandoned-runs.js';
import { openVectorStore } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

/** The chunks of one document the registry does not hold, as found in the vector store. */
export interface OrphanDocument {
  documentId: string;
  chunks: number;
  /** The expediente its chunks carry. */
  expediente: string;
}

/** A stale copy (see isStaleCopy): the chunks of a document whose row files them in `filedIn`. */
export interface StaleCopy extends OrphanDocument {
  filedIn: string;
}

export interface OrphanCleanup {
  collection: string;
  deleted: OrphanDocument[];
  /** Stale copies of documents filed in another collection, deleted (doctor names the collection holding some). */
  copies: StaleCopy[];
  /**
   * Orphans and copies whose content a file not yet final carries: a run or a review may be storing them right
   * now.
   */
  kept: OrphanDocument[];
}

/**
 * Deletes the chunks of documents the registry does not hold (a run killed between writing a document's
 * vectors and its row, then never resumed; a purge that stopped part way): search leaves them out for ever,
 * and they would otherwise stay. With them go the collection's stale copies (see isStaleCopy): chunks of a
 * document whose row files them in another collection that holds them all, left by a forced re-ingest there
 * that did not finish; `doctor` names the collection.
 *
 * Every writer stores a document's vectors first and its row after, so between the two a document being
 * stored looks exactly like an orphan. None is deleted while any session is being processed (a run, a worker or
 * the server), nor while a run holds a folder's lock (one that has only just started, its session not processing
 * yet, or not opened yet) — refused as locked, exit 75 — nor one whose content a file not final yet carries, in
 * any session (a resumable file, one waiting for review: its decision writes the vectors first too). Each is
 * checked again just before its chunks go, and the check and the delete are one step no run can start within
 * (see holdingOffNewRuns): a run that starts while the cleanup goes on is either seen, or writes after it.
 */
export async function deleteOrphanVectors(
  location: RegistryLocation,
  backends: BackendConfig,
  options: { collection?: string },
): Promise<OrphanCleanup> {
  return withRegistry(location, async (database) => {
    const collection = options.collection ?? backends.collection;
    await refuseWhileProcessing(database);
    const vectorStore = await openVectorStore(database, backends, collection);
    try {
      const stored = await vectorStore.listDocuments();
      const documents = new DocumentRepository(database.db);
      const filings = await documents.filingsOf(stored.map((d) => d.documentId));
      const report: OrphanCleanup = { collection, deleted: [], copies: [], kept: [] };
      for (const found of stored) {
        const filing = filings.get(found.documentId);
        if (filing && !(await isStaleCopyIn(vectorStore, found.documentId, filing))) continue;
        const entry = {
          documentId: found.documentId,
          chunks: found.chunks,
          expediente: String(found.metadata.expediente ?? ''),
        };
        // Checked again as the chunks go: the registry may hold it by now, or file it here again.
        const stillUnwanted = async () => {
          const now = (await documents.filingsOf([found.documentId])).get(found.documentId);
          return now === undefined
            ? !filing
            : !!filing && (await isStaleCopyIn(vectorStore, found.documentId, now));
        };
        const deleted = await holdingOffNewRuns(database, async () => {
          await refuseWhileProcessing(database);
          if (!(await stillUnwanted()) || (await mayBeBeingStored(database, found))) return null;
          return vectorStore.deleteDocument(found.documentId);
        });
        if (deleted === null) {
          report.kept.push(entry);
          continue;
        }
        entry.chunks = deleted;
        if (filing) report.copies.push({ ...entry, filedIn: filing.collection! });
        else report.deleted.push(entry);
      }
      return report;
    } finally {
      await vectorStore.close();
    }
  });
}

/** The document's chunks in `store` are a stale copy: its row files them in another collection, which holds them all. */
async function isStaleCopyIn(store: VectorStore, documentId: string, filing: ChunkFiling): Promise<boolean> {
  if (filing.collection === null || filing.collection === store.collection) return false;
  const filed = store.openCollection(filing.collection);
  try {
    const held = (await filed.countDocumentChunks([documentId])).get(documentId) ?? 0;
    return isStaleCopy(filing, store.collection, held);
  } finally {
    await filed.close();
  }
}

/**
 * A session still recorded as processing whose run is gone (`kill -9`, a reboot: `sessions` shows it
 * interrupted) does not hold this up: nothing is writing for it, and its files that never became final keep
 * their chunks (see mayBeBeingStored). Before, such a session refused the cleanup until the folder was run again.
 */
async function refuseWhileProcessing(database: OpenDatabase): Promise<void> {
  const batches = new BatchRepository(database.db);
  for (const sessionId of await batches.processingSessionIds()) {
    const recorded = await batches.findSession(sessionId);
    if (recorded === undefined || (await asSeenNow(database, recorded)).status === 'interrupted') continue;
    throw new UserError(
      `session ${sessionId.slice(0, 8)} is being processed: a run writes a document's vectors before its row, so no ` +
        'chunk is deleted as an orphan while one goes on',
      ExitCode.Locked,
      'run `tecsalud-batch cleanup --orphans` again once it has finished (`tecsalud-batch sessions` shows it)',
    );
  }
  // A run going on holds its folder's lock from its start, before its session is opened, let alone processing:
  // its liveness (its process, or PostgreSQL's advisory lock), not its session's status or times, says so.
  for (const holder of await new RunLockRepository(database.db).listHolders()) {
    if ((await readRunLockState(database, holder.sourceDir)).state === 'gone') continue;
    throw new UserError(
      `a run is processing ${holder.sourceDir} (pid ${holder.pid} on ${holder.host}): a run writes a document's ` +
        'vectors before its row, so no chunk is deleted as an orphan while one goes on',
      ExitCode.Locked,
      'run `tecsalud-batch cleanup --orphans` again once it has finished (`tecsalud-batch sessions` shows it)',
    );
  }
}

/** A file not final yet carries its content: a run or a review may be storing it here. */
async function mayBeBeingStored(database: OpenDatabase, orphan: StoredDocument): Promise<boolean> {
  const sha = orphan.metadata.content_sha256;
  if (typeof sha !== 'string') return false;
  return (await new BatchRepository(database.db).contentsNotFinal([sha])).size > 0;
}

/**
 * Runs `work` (the last check of an orphan and the delete of its chunks) while no run can start: a run takes its
 * folder's lock by writing its `run_locks` row, which waits until `work` is done. SQLite: one write transaction
 * (BEGIN IMMEDIATE) on the registry's one connection; PostgreSQL: the table locked against writes for a
 * transaction. A run that took its lock before is seen by the check; one that takes it after writes after the delete.
 */
async function holdingOffNewRuns<T>(database: OpenDatabase, work: () => Promise<T>): Promise<T> {
  if (database.sqlite) {
    const handle = database.sqlite;
    handle.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      handle.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite may have rolled it back already (a full disk): the work's error says what happened.
      try {
        handle.exec('ROLLBACK');
      } catch {
        // no transaction left to end
      }
      throw error;
    }
  }
  return database.db.transaction().execute(async (trx) => {
    await sql`lock table run_locks in exclusive mode`.execute(trx);
    return work();
  });
}
