import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import type { ActorKind, BatchUpload } from '../db/schema.js';
import { readSessionOptions } from '../db/session-options.js';
import { checkRetention, NOM_004_RETENTION_YEARS } from '../core/registry/retention.js';
import { RetentionRepository } from '../db/repositories/retention-repository.js';
import { removeFromEveryCollection } from '../documents/remove-copies-elsewhere.js';
import { unfinishedVectorChange } from '../documents/unfinished-vector-change.js';
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
  /** What `user` is in the audit log (default os_user; the HTTP API's cleanup: the calling token). */
  userKind?: ActorKind;
  /** `--collection`: where to purge vectors from, over the one the session recorded. */
  collection?: string;
  /** Purge documents still within the legal retention (audited as such). */
  force?: boolean;
  /** Years a record is kept from its last act (config `retentionYears`; NOM-004-SSA3: 5). */
  retentionYears?: number;
  /** The clock the retention is judged by. */
  now?: Date;
}

export interface CleanupReport {
  session_id: string;
  removed_file_records: number;
  kept_pending_reviews: number;
  purged_documents: number;
  /** Documents purged although still within the retention (`--force`). */
  purged_within_retention: number;
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
    // A session a client of the HTTP API created and never processed has no run to wait for nor ingest to repeat.
    const neverProcessedUpload =
      session.status === 'pending' && readSessionOptions(session.optionsJson).client === 'api';
    throw new UsageError(
      `session ${session.id.slice(0, 8)} is still ${session.status}`,
      neverProcessedUpload
        ? `it was created through the HTTP API and never processed: process it, or discard it with its uploads ` +
            `(an admin token: DELETE /api/v1/documents/batch/${session.id}/discard)`
        : 'wait for it to finish (or, if its run was killed, run the ingest again first)',
    );
  }
  let purgedDocuments: string[] = [];
  let withinRetention = 0;
  if (options.purge) {
    withinRetention = await enforceRetention(database, session, options);
    // By each document's own row, not the session's processing type: a document a `--type complete` session
    // re-ingested with --force keeps the vectors an earlier session gave it, and purged without them its chunks
    // stayed in the store under the patient, found by every search after the purge said they were gone.
    const documents = new DocumentRepository(database.db);
    const withVectors = await documents.vectorizedIdsByBatch(session.id);
    if (withVectors.length > 0) {
      const { openSearchAdapters } = await import('./open-backends.js');
      // The vectors live where each document's row says (a row an older version wrote: where the session put
      // them, its recorded collection, else the configured one); `--collection` names the one to purge instead.
      const recorded = readSessionOptions(session.optionsJson).collection;
      const { vectorStore } = await openSearchAdapters({
        database,
        backends,
        collection: options.collection ?? recorded ?? backends.collection,
      });
      const named = options.collection === undefined ? await documents.collectionsOf(withVectors) : new Map();
      const stores = new Map([[vectorStore.collection, vectorStore]]);
      const storeOf = (id: string) => {
        const name = named.get(id) ?? vectorStore.collection;
        const store = stores.get(name) ?? vectorStore.openCollection(name);
        stores.set(name, store);
        return store;
      };
      try {
        for (const id of withVectors) await storeOf(id).deleteDocument(id);
        // Any left in another collection (attached in `review --collection` before rows said where, a copy a
        // killed re-ingest left): the documents go, so do all their chunks. One count request per collection.
        if (options.collection === undefined) await removeFromEveryCollection(vectorStore, withVectors);
      } catch (error) {
        const short = session.id.slice(0, 8);
        throw unfinishedVectorChange(error, {
          disagreement:
            `the purge of session ${short} did not finish: part of the vectors of its documents (${withVectors.length}) ` +
            'may already be gone while the registry still holds them',
          finish: `run \`tecsalud-batch cleanup ${short} --purge${options.force ? ' --force' : ''}\` again to finish it`,
        });
      } finally {
        for (const store of stores.values()) await store.close();
      }
    }
    purgedDocuments = await documents.deleteByBatch(session.id);
  }
  const batches = new BatchRepository(database.db);
  const { removed, keptPendingReviews } = await batches.deleteSessionWorkingState(session.id);
  await new AuditRepository(database.db).record({
    actor: options.user ?? currentUser(),
    actorKind: options.userKind ?? 'os_user',
    action: options.purge ? 'session_purged' : 'session_cleaned',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: {
      removed_files: removed,
      kept_pending_reviews: keptPendingReviews,
      purged_documents: purgedDocuments.length,
      ...(options.purge
        ? {
            retention_years: retentionYearsOf(options),
            purged_within_retention: withinRetention,
            forced: Boolean(options.force),
          }
        : {}),
    },
  });
  return {
    session_id: session.id,
    removed_file_records: removed,
    kept_pending_reviews: keptPendingReviews,
    purged_documents: purgedDocuments.length,
    purged_within_retention: withinRetention,
  };
}

function retentionYearsOf(options: CleanupOptions): number {
  return options.retentionYears ?? NOM_004_RETENTION_YEARS;
}

/**
 * A clinical record is kept five years from its last act (NOM-004-SSA3; `retentionYears`): a purge that would
 * delete documents still within that period is refused, and the refusal audited, unless `force`. The period
 * runs from the patient's latest document in the registry, which is at or after the act it records: never
 * earlier than the law's date. Returns how many documents within the period a forced purge deletes.
 */
async function enforceRetention(
  database: OpenDatabase,
  session: BatchUpload,
  options: CleanupOptions,
): Promise<number> {
  const years = retentionYearsOf(options);
  const lastActs = await new RetentionRepository(database.db).lastActsOfBatch(session.id);
  const verdict = checkRetention(lastActs, years, options.now ?? new Date());
  if (verdict.held === 0 || options.force) return verdict.held;
  const from = verdict.purgeableFrom
    ? verdict.purgeableFrom.toISOString().slice(0, 10)
    : 'a date that cannot be read';
  await new AuditRepository(database.db).record({
    actor: options.user ?? currentUser(),
    action: 'session_purge_refused',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: {
      documents: lastActs.length,
      within_retention: verdict.held,
      retention_years: years,
      purgeable_from: verdict.purgeableFrom?.toISOString() ?? null,
    },
  });
  throw new UsageError(
    `${verdict.held} of the ${lastActs.length} documents of session ${session.id.slice(0, 8)} are within the ` +
      `${years}-year retention of clinical records (NOM-004-SSA3, from each patient's latest document); ` +
      `nothing was deleted. The session can be purged from ${from}`,
    'keep them until then, or pass --force to purge them anyway (the audit log records it); ' +
      'the period is the config file\'s "retentionYears"',
  );
}
