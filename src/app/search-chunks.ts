import { IncompatibleCollectionError, type VectorQueryResult } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { UsageError } from '../errors.js';
import { openSearchAdapters } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface ChunkQuery {
  text: string;
  k: number;
  /** Only this expediente's chunks. */
  expediente?: string;
  documentType?: string;
}

/**
 * Nearest chunks to the text, embedded by the embedder that filled the collection. Only reads: a collection
 * that does not exist is an error naming the ones that do (a mistyped --collection must not come back as
 * "no matching chunks", nor leave an empty collection behind).
 */
export async function searchChunks(
  location: RegistryLocation,
  backends: BackendConfig,
  query: ChunkQuery,
): Promise<VectorQueryResult[]> {
  return withRegistry(location, async (database) => {
    // An expediente nobody has would come back as "no matching chunks", as if the patient had no such text.
    if (query.expediente && !(await new PatientRepository(database.db).findByExpediente(query.expediente))) {
      throw new UsageError(
        `no patient with expediente ${query.expediente} in the registry`,
        'check the number, or look the patient up: `tecsalud-batch patients search "NAME"`',
      );
    }
    const { embedder, vectorStore, collection } = await openSearchAdapters({ database, backends });
    try {
      const info = await vectorStore.describeCollection();
      if (!info) {
        const existing = await vectorStore.listCollections();
        throw new UsageError(
          `the collection "${collection}" does not exist in the ${backends.vectorStore === 'chroma' ? 'Chroma' : 'embedded'} vector store`,
          existing.length > 0
            ? `the collections there: ${existing.map((name) => `"${name}"`).join(', ')}; choose one with --collection`
            : 'it holds no collection yet: `tecsalud-batch ingest DIR` creates one',
        );
      }
      if (info.embedderId !== embedder.id || info.dimension !== embedder.dimension) {
        throw new IncompatibleCollectionError(collection, info, { embedderId: embedder.id, dimension: embedder.dimension });
      }
      const [vector] = await embedder.embed([query.text]);
      // The embedded (lexical) embedder leaves out common words: a query of only those is no vector at all,
      // which one store answers with nothing and Chroma with arbitrary chunks at distance 1.
      if (vector!.every((value) => value === 0)) {
        throw new UsageError(
          `the query '${sanitizeForTerminal(query.text.trim())}' has no word to search for: the embedded embedder leaves out common words (de, la, el, y…)`,
          'search for the words the document would contain, e.g. "biometría hemática"',
        );
      }
      return await vectorStore.query(vector!, {
        k: query.k,
        where: {
          ...(query.expediente ? { expediente: query.expediente } : {}),
          ...(query.documentType ? { document_type: query.documentType } : {}),
        },
      });
    } finally {
      await vectorStore.close();
    }
  });
}
