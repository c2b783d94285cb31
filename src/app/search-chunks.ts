import type { VectorQueryResult } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { openSearchAdapters } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface ChunkQuery {
  text: string;
  k: number;
  /** Only this expediente's chunks. */
  expediente?: string;
  documentType?: string;
}

/** Nearest chunks to the text, embedded by the embedder that filled the collection. */
export async function searchChunks(
  location: RegistryLocation,
  backends: BackendConfig,
  query: ChunkQuery,
): Promise<VectorQueryResult[]> {
  return withRegistry(location, async (database) => {
    const { embedder, vectorStore, collection } = await openSearchAdapters({ database, backends });
    try {
      await vectorStore.ensureCollection({ name: collection, embedderId: embedder.id, dimension: embedder.dimension });
      const [vector] = await embedder.embed([query.text]);
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
