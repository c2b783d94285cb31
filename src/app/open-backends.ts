import type { Embedder } from '../adapters/embedders/types.js';
import type { TextExtractor } from '../adapters/extraction/types.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OcrSettings } from '../config/ocr-settings.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { ProcessingType } from '../db/schema.js';
import { DEFAULT_EMBED_BATCH_SIZE } from '../core/pipeline/defaults.js';
import { requireHttpUrl } from '../adapters/http-url.js';
import { UsageError } from '../errors.js';
import { DEFAULT_EXTRACTOR, openExtractor, withOcr, type ExtractorName } from './open-extractor.js';

export interface PipelineAdapters {
  extractor: TextExtractor;
  embedder: Embedder | null;
  vectorStore: VectorStore | null;
  collection: string;
  close(): Promise<void>;
}

export interface SearchAdapters {
  embedder: Embedder;
  vectorStore: VectorStore;
  collection: string;
}

/**
 * Opens the backends a run needs, chosen once, at start-up, from the configuration (flags > env > config
 * file > defaults; see config/load-config): the text extractor, the embedder and the vector store.
 */
export async function openPipelineAdapters(options: {
  database: OpenDatabase;
  processingType: ProcessingType;
  /** The resolved configuration (flags > env > config file > defaults). */
  backends: BackendConfig;
  /** Overrides the configured collection. */
  collection?: string;
  timeoutMs?: number;
  workers?: number;
  /** `pdfium` (default), `pdf-parse` (both need nothing installed) or `pdftotext` (poppler-utils). */
  extractor?: ExtractorName;
  /** An extractor the caller opened and keeps (a test's stand-in, a worker's): used instead, never closed here. */
  openedExtractor?: TextExtractor;
  /** Chunks per request to a remote embedder, gathered across the files in flight (default: the configured one). */
  embedBatchSize?: number;
  /**
   * OCR of pages without a text layer, around the opened extractor; none when absent (as `--ocr off`). An
   * extractor the caller passed in (`openedExtractor`) is used as it is: the caller chose what it reads.
   */
  ocr?: OcrSettings;
}): Promise<PipelineAdapters> {
  const { backends } = options;
  const collection = options.collection ?? backends.collection;
  const needsVectors = options.processingType !== 'complete';
  const extractor = options.openedExtractor ?? (await openOwnExtractor(options));
  const closeExtractor = options.openedExtractor ? async () => undefined : () => extractor.close();
  let search: SearchAdapters | null = null;
  try {
    search = needsVectors
      ? await openSearchAdapters({ database: options.database, backends, collection })
      : null;
  } catch (error) {
    await closeExtractor();
    throw error;
  }
  let embedder = search?.embedder ?? null;
  if (embedder && backends.embedder !== 'hashing') {
    // A remote API wants many chunks per request: let the files in flight share requests.
    const { createBatchingEmbedder, DEFAULT_BATCH_WINDOW_MS } =
      await import('../adapters/embedders/batching-embedder.js');
    embedder = createBatchingEmbedder(embedder, {
      maxBatch: options.embedBatchSize ?? backends.embedding.batchSize ?? DEFAULT_EMBED_BATCH_SIZE,
      maxWaitMs: backends.embedding.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
    });
  }
  return {
    extractor,
    embedder,
    vectorStore: search?.vectorStore ?? null,
    collection,
    close: async () => {
      await closeExtractor();
      await search?.vectorStore.close();
    },
  };
}

/** The configured text extractor, wrapped with OCR when the settings ask for it. */
async function openOwnExtractor(options: {
  extractor?: ExtractorName;
  timeoutMs?: number;
  workers?: number;
  ocr?: OcrSettings;
}): Promise<TextExtractor> {
  const textLayer = await openExtractor(options.extractor ?? DEFAULT_EXTRACTOR, options);
  if (!options.ocr) return textLayer;
  try {
    return await withOcr(textLayer, options.ocr, options.workers);
  } catch (error) {
    await textLayer.close();
    throw error;
  }
}

/** The embedder and vector store alone, for `search` and for settling reviews. */
export async function openSearchAdapters(options: {
  database: OpenDatabase;
  backends: BackendConfig;
  collection?: string;
}): Promise<SearchAdapters> {
  const { backends } = options;
  const collection = options.collection ?? backends.collection;
  const embedder = await openEmbedder(backends);
  const vectorStore = await openVectorStore(options.database, backends, collection);
  return { embedder, vectorStore, collection };
}

/** The configured embedder. Remote ones are checked for credentials here, not on the first file. */
export async function openEmbedder(
  backends: BackendConfig,
  /** Bounds for a quick check (`doctor`): a shorter timeout per request, and fewer retries. */
  options: { maxTimeoutMs?: number; maxRetries?: number } = {},
): Promise<Embedder> {
  const { embedding } = backends;
  if (backends.embedder === 'hashing') {
    const { createHashingEmbedder } = await import('../adapters/embedders/hashing-embedder.js');
    return createHashingEmbedder();
  }
  const { createOpenAiEmbedder, DEFAULT_EMBEDDING_MODEL, DEFAULT_EMBEDDING_TIMEOUT_MS } =
    await import('../adapters/embedders/openai/openai-embedder.js');
  const timeoutMs = Math.min(
    embedding.timeoutSeconds !== undefined ? embedding.timeoutSeconds * 1000 : DEFAULT_EMBEDDING_TIMEOUT_MS,
    options.maxTimeoutMs ?? Infinity,
  );
  const maxRetries = options.maxRetries ?? embedding.maxRetries;
  const tuning = {
    ...(embedding.dimensions !== undefined ? { dimensions: embedding.dimensions } : {}),
    ...(embedding.maxInFlight !== undefined ? { maxInFlight: embedding.maxInFlight } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    timeoutMs,
  };
  if (backends.embedder === 'openai') {
    const { apiKey, baseUrl } = backends.openai;
    // A local compatible server (vLLM, Ollama) usually needs no key; OpenAI itself always does.
    if (!apiKey && !baseUrl) {
      throw new UsageError(
        '--embedder openai needs an API key',
        'set OPENAI_API_KEY (or openai.apiKey in the config file), or OPENAI_BASE_URL for a compatible server',
      );
    }
    if (baseUrl) requireHttpUrl(baseUrl, 'the OpenAI base URL (OPENAI_BASE_URL or openai.baseUrl)');
    return createOpenAiEmbedder({
      connection: { provider: 'openai', apiKey: apiKey ?? 'unused', ...(baseUrl ? { baseUrl } : {}) },
      model: embedding.model ?? DEFAULT_EMBEDDING_MODEL,
      ...tuning,
    });
  }
  const { endpoint, apiKey, deployment, apiVersion } = backends.azure;
  const missing = [
    endpoint ? null : 'AZURE_OPENAI_ENDPOINT',
    apiKey ? null : 'AZURE_OPENAI_API_KEY',
    deployment ? null : 'AZURE_OPENAI_DEPLOYMENT',
  ].filter((name): name is string => name !== null);
  if (missing.length > 0 || !endpoint || !apiKey || !deployment) {
    throw new UsageError(
      `--embedder azure needs ${missing.join(', ')}`,
      'set them in the environment, or azure.endpoint / azure.apiKey / azure.deployment in the config file',
    );
  }
  requireHttpUrl(endpoint, 'the Azure OpenAI endpoint (AZURE_OPENAI_ENDPOINT or azure.endpoint)');
  return createOpenAiEmbedder({
    connection: { provider: 'azure', endpoint, apiKey, deployment, ...(apiVersion ? { apiVersion } : {}) },
    ...(embedding.model ? { model: embedding.model } : {}),
    ...tuning,
  });
}

/** The configured vector store, bound to `collection`. */
export async function openVectorStore(
  database: OpenDatabase,
  backends: BackendConfig,
  collection: string = backends.collection,
  /** A shorter bound than the configured one per request (`doctor` answers within its own). */
  options: { maxTimeoutMs?: number } = {},
): Promise<VectorStore> {
  if (backends.vectorStore === 'chroma') {
    const { createChromaStore, DEFAULT_CHROMA_TIMEOUT_MS } =
      await import('../adapters/vector-stores/chroma/chroma-store.js');
    const { timeoutSeconds, ...chroma } = backends.chroma;
    const timeoutMs = Math.min(
      timeoutSeconds !== undefined ? timeoutSeconds * 1000 : DEFAULT_CHROMA_TIMEOUT_MS,
      options.maxTimeoutMs ?? Infinity,
    );
    return createChromaStore({ ...chroma, collection, timeoutMs });
  }
  if (!database.sqlite) {
    throw new UsageError(
      'the embedded vector store lives in the SQLite database, but --db points at PostgreSQL',
      'use --vector-store chroma with --chroma-url (or CHROMA_URL), or a SQLite --db',
    );
  }
  const { createSqliteVecStore } = await import('../adapters/vector-stores/sqlite-vec/sqlite-vec-store.js');
  return createSqliteVecStore({ database: database.sqlite, collection });
}
