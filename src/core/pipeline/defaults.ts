/** The vector collection the hospital service writes (and every command reads unless told otherwise). */
export const DEFAULT_COLLECTION = 'medical_documents';

/**
 * Files written per group (one vector-store call and one database transaction) unless --store-batch-size
 * says otherwise: enough to share a commit among many files, few enough that a kill loses little work.
 */
export const DEFAULT_STORE_BATCH_SIZE = 32;

/** The largest file a run accepts unless --max-file-size says otherwise (a larger one fails `too_large`, unread). */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** Chunks per call to the embedder. */
export const DEFAULT_EMBED_BATCH_SIZE = 256;

export { DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_SIZE } from '../chunking/chunk-text.js';
export { DEFAULT_THRESHOLDS } from '../matching/thresholds.js';
