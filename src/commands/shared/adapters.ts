import type { Embedder } from '../../adapters/embedders/types.js';
import type { TextExtractor } from '../../adapters/extraction/types.js';
import type { VectorStore } from '../../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../../db/open-database.js';
import type { ProcessingType } from '../../db/schema.js';
import { UsageError } from '../../errors.js';

export const DEFAULT_COLLECTION = 'medical_documents';

export interface PipelineAdapters {
  extractor: TextExtractor;
  embedder: Embedder | null;
  vectorStore: VectorStore | null;
  collection: string;
  close(): Promise<void>;
}

/**
 * Chooses the backends once, at start-up. Today: pdf-parse workers, the hashing embedder and the
 * sqlite-vec store inside the registry's SQLite file; other backends plug in here.
 */
export async function openPipelineAdapters(options: {
  database: OpenDatabase;
  processingType: ProcessingType;
  collection?: string;
  timeoutMs?: number;
  workers?: number;
}): Promise<PipelineAdapters> {
  const { createPdfParseExtractor } = await import('../../adapters/extraction/pdf-parse-extractor.js');
  const collection = options.collection ?? DEFAULT_COLLECTION;
  const needsVectors = options.processingType !== 'complete';
  const search = needsVectors ? await openSearchAdapters({ database: options.database, collection }) : null;
  const extractor = createPdfParseExtractor({ timeoutMs: options.timeoutMs, workers: options.workers });
  return {
    extractor,
    embedder: search?.embedder ?? null,
    vectorStore: search?.vectorStore ?? null,
    collection,
    close: async () => {
      await extractor.close();
      await search?.vectorStore.close();
    },
  };
}

/** The embedder and vector store alone, for `search` and for settling reviews. */
export async function openSearchAdapters(options: {
  database: OpenDatabase;
  collection?: string;
}): Promise<{ embedder: Embedder; vectorStore: VectorStore; collection: string }> {
  const collection = options.collection ?? DEFAULT_COLLECTION;
  if (!options.database.sqlite) {
    throw new UsageError(
      'the embedded vector store lives in the SQLite database, but --db points at PostgreSQL',
      'use a SQLite --db, or choose another vector store',
    );
  }
  const [{ createHashingEmbedder }, { createSqliteVecStore }] = await Promise.all([
    import('../../adapters/embedders/hashing-embedder.js'),
    import('../../adapters/vector-stores/sqlite-vec/sqlite-vec-store.js'),
  ]);
  return {
    embedder: createHashingEmbedder(),
    vectorStore: createSqliteVecStore({ database: options.database.sqlite, collection }),
    collection,
  };
}
