import type { EmbeddingSpace } from './incompatible-collection-error.js';

export { IncompatibleCollectionError, type EmbeddingSpace } from './incompatible-collection-error.js';

/** What Chroma accepts as a metadata value: no null, no nesting. */
export type MetadataValue = string | number | boolean;
export type VectorMetadata = Record<string, MetadataValue>;

export interface VectorRecord {
  /** Deterministic (`{document_id}_chunk_{i}`): writing the same id again replaces the record. */
  id: string;
  embedding: Float32Array;
  /** The chunk's text, returned by queries. */
  document: string;
  /** Must include `document_id` (a string), by which `deleteDocument` finds a document's chunks. */
  metadata: VectorMetadata;
}

/** One document's complete set of chunks: replaces whatever the store held for that document. */
export interface DocumentVectors {
  documentId: string;
  /** Every record's metadata `document_id` must equal `documentId`. */
  records: VectorRecord[];
}

export interface VectorQueryFilter {
  expediente?: string;
  document_type?: string;
  /**
   * Only the chunks of these documents (by their metadata `document_id`): a patient's documents as the registry
   * files them, whatever expediente their chunks carry. Any number of ids; an empty list matches nothing.
   */
  documentIds?: string[];
}

export interface VectorQueryOptions {
  /** How many nearest records to return. */
  k: number;
  where?: VectorQueryFilter;
}

export interface VectorQueryResult {
  id: string;
  document: string;
  metadata: VectorMetadata;
  /** Cosine distance, 1 − cos(θ): 0 for the same direction, 2 for opposite; nearest first. */
  distance: number;
}

/** A document as the vector store holds it: its chunks' count and one chunk's metadata. */
export interface StoredDocument {
  documentId: string;
  chunks: number;
  metadata: VectorMetadata;
}

/** The embedder that filled a collection, as recorded with it. */
export interface CollectionInfo extends EmbeddingSpace {
  name: string;
}

/**
 * `name` is optional because a store is bound to one collection when it is created (as a Chroma
 * collection handle is); when given it must match that collection.
 */
export interface CollectionSpec extends EmbeddingSpace {
  name?: string;
}

/**
 * One collection of chunk vectors. The pipeline and `search` see only this; the embedded sqlite-vec store and
 * Chroma sit behind it. A store is bound to one collection, and writes only after `ensureCollection` has
 * checked that the collection belongs to the embedder in use.
 */
export interface VectorStore {
  /** The collection this store reads and writes. */
  readonly collection: string;
  /**
   * Creates the collection for this embedder, or checks that the existing one was filled by the same embedder
   * and dimension; throws IncompatibleCollectionError otherwise. Required before any write.
   */
  ensureCollection(spec: CollectionSpec): Promise<void>;
  /** The embedder recorded with the collection, or null when it does not exist yet (for `doctor`). */
  describeCollection(): Promise<CollectionInfo | null>;
  /** The names of every collection in the store (for a message naming the ones that do exist). */
  listCollections(): Promise<string[]>;
  /**
   * A store of the same backend and connection bound to another collection (to be closed by the caller): a
   * document's chunks written to this one are taken out of the others (see removeCopiesElsewhere).
   */
  openCollection(name: string): VectorStore;
  /**
   * For each document: removes every record whose metadata `document_id` is its id, then writes its records.
   * Many documents per call, so a pipeline can write a group of files at once. sqlite-vec: one transaction,
   * all or none. Chroma: one delete request for all the documents' old ids, then upserts in batches of the
   * server's maximum — not atomic, but ids are deterministic, so repeating the call converges.
   * All records are validated (validateDocumentVectors, in validate-record.ts) before anything is written.
   */
  replaceDocuments(documents: DocumentVectors[]): Promise<void>;
  /** Removes every record whose metadata `document_id` is `documentId`; returns how many. */
  deleteDocument(documentId: string): Promise<number>;
  /**
   * Every record whose metadata `document_id` is `documentId`, embeddings included, in `chunk_index` order
   * (empty when there are none): a document moves to another patient by writing its records back with new
   * metadata, without embedding it again, and a vectorized-only document's text is read back from them.
   */
  readDocument(documentId: string): Promise<VectorRecord[]>;
  /**
   * Every document the collection holds chunks of, with how many and the metadata of one of them: to find the
   * chunks of documents the registry no longer holds (`cleanup --orphans`). Reads the whole collection.
   */
  listDocuments(): Promise<StoredDocument[]>;
  /**
   * How many chunks the collection holds of each of `documentIds` (absent: none), without reading them: `doctor`
   * compares them with the registry's counts a bounded group of documents at a time.
   */
  countDocumentChunks(documentIds: readonly string[]): Promise<Map<string, number>>;
  /** The `k` records nearest to `embedding`, nearest first, among those matching `where`. */
  query(embedding: Float32Array, options: VectorQueryOptions): Promise<VectorQueryResult[]>;
  count(): Promise<number>;
  /** Releases what the store opened itself; a database handle passed in by the caller stays open. */
  close(): Promise<void>;
}
