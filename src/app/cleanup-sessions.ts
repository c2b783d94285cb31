import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { readSessionOptions } from '../db/session-options.js';
import { UsageError } from '../errors.js';
import { currentUser } from './current-user.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { resolveSession } from './sessions.js';

export interface CleanupOptions {
  /** One session (id or prefix)… */
  session?: string;
  /** …or every finished session completed before this ISO timestamp. */
  finishedBefore?: string;
  /** Also delete the session's documents and their vectors. */
  purge: boolean;
  user?: string;
  /** `--collection`: where to purge vectors from, over the one the session recorded. */
  collection?: string;
}

export interface CleanupReport {
  session_id: string;
  removed_file_records: number;
  kept_pending_reviews: number;
  purged_documents: number;
}

/**
 * Removes sessions' working state (their file rows and any text kept for reviews). Ingested documents
 * stay unless `purge`, which also deletes the session's documents and their vectors. Files still waiting
 * for review are kept: cleaning never throws away a pending decision.
 */
export async function cleanupSessions(
  location: RegistryLocation,
  backends: BackendConfig,
  options: CleanupOptions,
): Promise<CleanupReport[]> {
  return withRegistry(location, async (database) => {
    const batches = new BatchRepository(database.db);
    const sessions = options.finishedBefore
      ? await batches.finishedSessionsBefore(options.finishedBefore)
      : [await resolveSession(database, options.session)];
    const results = [];
    for (const session of sessions) results.push(await cleanOneSession(database, session, options, backends));
    return results;
  });
}

async function cleanOneSession(
  database: OpenDatabase,
  session: BatchUpload,
  options: CleanupOptions,
  backends: BackendConfig,
): Promise<CleanupReport> {
  if (session.status === 'processing' || session.status === 'pending') {
    throw new UsageError(
      `session ${session.id.slice(0, 8)} is still ${session.status}`,
      'wait for it to finish (or, if its run was killed, run the ingest again first)',
    );
  }
  let purgedDocuments: string[] = [];
  if (options.purge) {
    if (session.processingType !== 'complete') {
      const { openSearchAdapters } = await import('./open-backends.js');
      // The vectors live where the session put them: its recorded collection, the configured store.
      const recorded = readSessionOptions(session.optionsJson).collection;
      const { vectorStore } = await openSearchAdapters({
        database,
        backends,
        collection: options.collection ?? recorded ?? backends.collection,
      });
      for (const id of await new DocumentRepository(database.db).idsByBatch(session.id)) {
        await vectorStore.deleteDocument(id);
      }
      await vectorStore.close();
    }
    purgedDocuments = await new DocumentRepository(database.db).deleteByBatch(session.id);
  }
  const batches = new BatchRepository(database.db);
  const { removed, keptPendingReviews } = await batches.deleteSessionWorkingState(session.id);
  await new AuditRepository(database.db).record({
    actor: options.user ?? currentUser(),
    action: options.purge ? 'session_purged' : 'session_cleaned',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: {
      removed_files: removed,
      kept_pending_reviews: keptPendingReviews,
      purged_documents: purgedDocuments.length,
    },
  });
  return {
    session_id: session.id,
    removed_file_records: removed,
    kept_pending_reviews: keptPendingReviews,
    purged_documents: purgedDocuments.length,
  };
}
