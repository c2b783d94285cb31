import type { BackendConfig } from '../config/load-config.js';
import { isIdPrefix } from '../core/text/id-prefix.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { MedicalDocument, Patient } from '../db/schema.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import { isClearlyAnotherPerson } from '../core/matching/same-person.js';
import { detachDocument, type DetachDocumentResult } from '../documents/detach-document.js';
import { moveDocument, type DocumentActor, type MoveDocumentResult } from '../documents/move-document.js';
import { ExitCode, UsageError, UserError } from '../errors.js';
import { LockedError, withRunLock } from '../ingest/run-lock.js';
import { readSessionSettings, type SessionSettings } from '../review/session-settings.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { openEmbedder, openVectorStore } from './open-backends.js';
import { storeHoldingElsewhere } from './store-holding-document.js';
import { findUnfinishedDocumentChanges } from './unfinished-document-changes.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import { formatLocalTimestamp } from '../core/text/local-timestamp.js';

export interface DocumentChangeOptions extends DocumentActor {
  /** The document id as `status --files` and `patients show` print it (the first 8 characters will do). */
  document: string;
  /** `--collection`: overrides the collection the document's session recorded. */
  collection?: string;
  /** `documents detach --reason`: why, shown in the review. */
  reason?: string;
}

/** `documents move ID --to EXPEDIENTE`: the document, its vectors and its file go to another patient. */
export async function moveDocumentTo(
  location: RegistryLocation,
  backends: BackendConfig,
  options: DocumentChangeOptions & { expediente: string },
): Promise<MoveDocumentResult & { document: MedicalDocument; filenameName: FilenameName | null }> {
  return withRegistry(location, async (database) => {
    const found = await findDocument(database, options.document);
    const to = await new PatientRepository(database.db).findByExpediente(options.expediente.trim());
    if (!to) {
      throw new UsageError(
        `no patient with expediente '${sanitizeForTerminal(options.expediente)}'`,
        'import the registry first (`tecsalud-batch patients import`), or search it: `tecsalud-batch patients search "NAME"`',
      );
    }
    return withDocumentLock(database, found, async (document) => {
      // A detach that died after deleting the chunks leaves them to be made again, as its session made them (or
      // with the defaults, its session gone).
      const settings =
        (await sessionSettingsOf(database, document)) ??
        readSessionSettings({ processingType: document.processingType, optionsJson: '{}' });
      const remaking = { ...settings, openEmbedder: () => openEmbedder(backends) };
      return withVectors(database, backends, document, options.collection, async (vectorStore) => ({
        ...(await moveDocument({ database, vectorStore, remaking }, { ...options, document, to })),
        document,
        filenameName: filenameNameAgainst(document.filename, to),
      }));
    });
  });
}

/** The name a document's filename gives, judged against the patient it now belongs to (DECISIONS 5). */
export interface FilenameName {
  name: string;
  clearlyAnotherPerson: boolean;
}

/**
 * A move is typed by hand: a mistyped expediente files the document under whoever holds that number, and the
 * command cannot tell a typo from a mislabelled export. It says so when the filename names clearly another
 * person, with the move that takes it back; null when the filename gives no name.
 */
function filenameNameAgainst(filename: string, to: Patient): FilenameName | null {
  const parsed = parseFilename(filename);
  if (!parsed.ok) return null;
  return {
    name: parsed.parsed.nombreCompleto,
    clearlyAnotherPerson: isClearlyAnotherPerson(parsed.parsed, to),
  };
}

/** `documents detach ID`: the document leaves its patient and its file waits for review again. */
export async function detachDocumentById(
  location: RegistryLocation,
  backends: BackendConfig,
  options: DocumentChangeOptions,
): Promise<DetachDocumentResult & { document: MedicalDocument }> {
  return withRegistry(location, async (database) => {
    const found = await findDocument(database, options.document);
    return withDocumentLock(database, found, async (document) => {
      const chunkOverlap = (await sessionSettingsOf(database, document))?.chunkOverlap ?? 0;
      return withVectors(database, backends, document, options.collection, async (vectorStore) => ({
        ...(await detachDocument({ database, vectorStore }, { ...options, document, chunkOverlap })),
        document,
      }));
    });
  });
}

async function findDocument(database: OpenDatabase, id: string): Promise<MedicalDocument> {
  const prefix = id.trim().toLowerCase();
  if (!isIdPrefix(prefix)) {
    throw new UsageError(
      `'${sanitizeForTerminal(id)}' is not a document id`,
      '`tecsalud-batch patients show EXPEDIENTE` and `tecsalud-batch status SESSION --files` print document ids',
    );
  }
  if (prefix.length < 4) throw new UsageError('give at least 4 characters of the document id');
  const found = await new DocumentRepository(database.db).findByIdPrefix(prefix);
  if (found.length > 1) {
    throw new UsageError(`'${sanitizeForTerminal(id)}' matches several documents`, 'give more of the id');
  }
  if (found.length === 0) {
    // A document detached earlier is gone from the registry, not unknown: say where its file went.
    const detached = await new AuditRepository(database.db).latestForDocumentPrefix(prefix, [
      'document_detached',
    ]);
    if (detached) {
      const session = detached.sessionId?.slice(0, 8) ?? '';
      throw new UsageError(
        `document ${detached.documentId!.slice(0, 8)} was detached on ${detached.at.slice(0, 10)} by ` +
          `${sanitizeForTerminal(detached.actor)}: it is no longer a document, its file went back to review in session ${session}`,
        `\`tecsalud-batch status ${session} --files\` shows where the file is now; attached again in \`tecsalud-batch review ${session}\`, it is a document again`,
      );
    }
    throw new UsageError(
      `no document '${sanitizeForTerminal(id)}'`,
      '`tecsalud-batch patients show EXPEDIENTE` and `tecsalud-batch status SESSION --files` print document ids',
    );
  }
  return found[0]!;
}

/**
 * A move or detach writes the vectors first and the rows after, in separate steps: two of them on one
 * document at once (two terminals, two admins) interleave, and the vectors end up naming another patient
 * than the registry — or outlive a detached document under its old patient, where `search --patient` finds
 * them. One change per document at a time, across processes and machines: the run lock's machinery
 * (PostgreSQL advisory lock, SQLite lock row), keyed by the document. The document is read again once the
 * lock is held, as the change before may have moved or detached it.
 */
async function withDocumentLock<T>(
  database: OpenDatabase,
  found: MedicalDocument,
  work: (document: MedicalDocument) => Promise<T>,
): Promise<T> {
  const short = found.id.slice(0, 8);
  try {
    return await withRunLock(database, { sourceDir: `document ${found.id}` }, async () => {
      const document = await new DocumentRepository(database.db).findById(found.id);
      if (!document) {
        throw new UsageError(
          `document ${short} is gone: another command detached or purged it just now`,
          'see where its file is with `tecsalud-batch status SESSION --files`',
        );
      }
      return work(document);
    });
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    const { holder } = error;
    throw new UserError(
      `document ${short} is being changed by another command right now (pid ${holder.pid} on ${holder.host}, ` +
        `started ${formatLocalTimestamp(holder.startedAt, 'en')}); nothing was changed`,
      ExitCode.Locked,
      'wait for it to finish, check the result with `tecsalud-batch patients show EXPEDIENTE`, then run yours again if it is still needed',
    );
  }
}

/** The settings of the session that ingested the document; null when that session is gone. */
async function sessionSettingsOf(
  database: OpenDatabase,
  document: MedicalDocument,
): Promise<SessionSettings | null> {
  const session = document.batchId
    ? await new BatchRepository(database.db).findSession(document.batchId)
    : undefined;
  return session ? readSessionSettings(session) : null;
}

/** Opens the vector store of the document's collection when it has vectors, and always closes it. */
async function withVectors<T>(
  database: OpenDatabase,
  backends: BackendConfig,
  document: MedicalDocument,
  collection: string | undefined,
  work: (vectorStore: VectorStore | null) => Promise<T>,
): Promise<T> {
  if (document.vectorized !== 1) return work(null);
  let vectorStore = await openVectorStore(
    database,
    backends,
    collection ?? (await collectionOf(database, backends, document)),
  );
  try {
    if (collection === undefined && document.chunksCount > 0) {
      const elsewhere = await storeHoldingElsewhere(vectorStore, document.id);
      if (elsewhere) {
        await vectorStore.close();
        vectorStore = elsewhere;
      }
    }
    return await work(vectorStore);
  } finally {
    await vectorStore.close();
  }
}

/**
 * The collection a document's chunks were written to, as its row says; where search looks for it, and where a move
 * makes them again when they are gone. A row an older version wrote says nothing: then the collection an unfinished
 * detach or move recorded (a detach that died after deleting every chunk leaves no collection holding any), else
 * the one its session recorded, else the configured one.
 */
async function collectionOf(
  database: OpenDatabase,
  backends: BackendConfig,
  document: MedicalDocument,
): Promise<string> {
  if (document.collection !== null) return document.collection;
  const [unfinished] = await findUnfinishedDocumentChanges(database, [document.id]);
  return (
    unfinished?.collection ?? (await sessionSettingsOf(database, document))?.collection ?? backends.collection
  );
}
