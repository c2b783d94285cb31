import type { BackendConfig } from '../config/load-config.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { MedicalDocument } from '../db/schema.js';
import { detachDocument, type DetachDocumentResult } from '../documents/detach-document.js';
import { moveDocument, type DocumentActor, type MoveDocumentResult } from '../documents/move-document.js';
import { UsageError } from '../errors.js';
import { readSessionSettings } from '../review/session-settings.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { openVectorStore } from './open-backends.js';

export interface DocumentChangeOptions extends DocumentActor {
  /** The document id as `status --files` and `patients show` print it (the first 8 characters will do). */
  document: string;
  /** `--collection`: overrides the collection the document's session recorded. */
  collection?: string;
}

/** `documents move ID --to EXPEDIENTE`: the document, its vectors and its file go to another patient. */
export async function moveDocumentTo(
  location: RegistryLocation,
  backends: BackendConfig,
  options: DocumentChangeOptions & { expediente: string },
): Promise<MoveDocumentResult & { document: MedicalDocument }> {
  return withRegistry(location, async (database) => {
    const document = await findDocument(database, options.document);
    const to = await new PatientRepository(database.db).findByExpediente(options.expediente.trim());
    if (!to) {
      throw new UsageError(
        `no patient with expediente '${sanitizeForTerminal(options.expediente)}'`,
        'import the registry first (`tecsalud-batch patients import`), or search it: `tecsalud-batch patients search "NAME"`',
      );
    }
    return withVectors(database, backends, document, options.collection, async (vectorStore) => ({
      ...(await moveDocument({ database, vectorStore }, { ...options, document, to })),
      document,
    }));
  });
}

/** `documents detach ID`: the document leaves its patient and its file waits for review again. */
export async function detachDocumentById(
  location: RegistryLocation,
  backends: BackendConfig,
  options: DocumentChangeOptions,
): Promise<DetachDocumentResult & { document: MedicalDocument }> {
  return withRegistry(location, async (database) => {
    const document = await findDocument(database, options.document);
    const session = document.batchId ? await new BatchRepository(database.db).findSession(document.batchId) : undefined;
    const chunkOverlap = session ? readSessionSettings(session).chunkOverlap : 0;
    return withVectors(database, backends, document, options.collection, async (vectorStore) => ({
      ...(await detachDocument({ database, vectorStore }, { ...options, document, chunkOverlap })),
      document,
    }));
  });
}

async function findDocument(database: OpenDatabase, id: string): Promise<MedicalDocument> {
  const prefix = id.trim().toLowerCase();
  if (prefix.length < 4) throw new UsageError('give at least 4 characters of the document id');
  const found = await new DocumentRepository(database.db).findByIdPrefix(prefix);
  if (found.length > 1) {
    throw new UsageError(`'${sanitizeForTerminal(id)}' matches several documents`, 'give more of the id');
  }
  if (found.length === 0) {
    throw new UsageError(
      `no document '${sanitizeForTerminal(id)}'`,
      '`tecsalud-batch patients show EXPEDIENTE` and `tecsalud-batch status SESSION --files` print document ids',
    );
  }
  return found[0]!;
}

/** Opens the vector store of the document's collection when it has vectors, and always closes it. */
async function withVectors<T>(
  database: OpenDatabase,
  backends: BackendConfig,
  document: MedicalDocument,
  collection: string | undefined,
  work: (vectorStore: Awaited<ReturnType<typeof openVectorStore>> | null) => Promise<T>,
): Promise<T> {
  if (document.vectorized !== 1) return work(null);
  const session = document.batchId ? await new BatchRepository(database.db).findSession(document.batchId) : undefined;
  const recorded = session ? readSessionSettings(session).collection : backends.collection;
  const vectorStore = await openVectorStore(database, backends, collection ?? recorded);
  try {
    return await work(vectorStore);
  } finally {
    await vectorStore.close();
  }
}
