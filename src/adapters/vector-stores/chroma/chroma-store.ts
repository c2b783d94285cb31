import { DEFAULT_COLLECTION } from '../../../core/pipeline/defaults.js';
import { redactConnectionString } from '../../../core/text/redact-connection-string.js';
import { documentIdOfChunk } from '../../../core/chunking/build-chunks.js';
import type { ChromaClient, Collection, Metadata } from 'chromadb';

import { ExitCode, ServiceUnavailableError, UserError } from '../../../errors.js';
import { IncompatibleCollectionError } from '../incompatible-collection-error.js';
import type {
  CollectionInfo,
  CollectionSpec,
  DocumentVectors,
  VectorMetadata,
  VectorQueryOptions,
  VectorQueryResult,
  VectorRecord,
  VectorStore,
  StoredDocument,
} from '../types.js';
import { toChromaWhere, type ChromaWhere } from './chroma-where.js';
import { nearestOf } from '../nearest-of.js';
import { parseChromaUrl } from './chroma-url.js';
import { boundChromaRequests, ChromaDownError } from './chroma-fetch.js';
import { sortByChunkIndex, validateDocumentVectors } from '../validate-record.js';

/** Collection metadata keys that record which embedder filled it. */
export const EMBEDDER_KEY = 'tecsalud:embedder_id';
export const DIMENSION_KEY = 'tecsalud:dimension';
/** Used when the server does not say (Chroma's own default is far larger). */
const FALLBACK_MAX_BATCH = 1000;
export const DEFAULT_CHROMA_TIMEOUT_MS = 30_000;
/** Document ids in one query's `$in`: a patient's documents are searched in parts of this many. */
const DOCUMENT_IDS_PER_QUERY = 500;

export interface ChromaStoreOptions {
  /** e.g. http://localhost:8000 */
  url: string;
  collection?: string;
  /** Chroma tenant and database (defaults: the server's default_tenant / default_database). */
  tenant?: string;
  database?: string;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** A token for a server (or its proxy) that demands one; never printed. */
  authToken?: string;
  /** How the token travels: `Authorization: Bearer TOKEN` (default) or `X-Chroma-Token: TOKEN`. */
  authHeader?: 'Authorization' | 'X-Chroma-Token';
  /** Records per upsert request; capped by the server's maximum batch size. */
  batchSize?: number;
  /** Per request (default 30 s): past it the server counts as down. */
  timeoutMs?: number;
}

/**
 * The Chroma vector store: one Chroma collection per `--collection`, cosine space (as sqlite-vec), the
 * embedder and dimension in the collection's metadata. Chroma writes each request atomically but not a
 * whole upsert of several requests; ids are deterministic, so a retried upsert converges.
 */
export async function createChromaStore(options: ChromaStoreOptions): Promise<VectorStore> {
  const chromadb = await import('chromadb');
  const address = parseChromaUrl(options.url);
  const headers = { ...options.headers, ...authHeaders(options) };
  // The server and credentials, shared by the client and (below) the admin client that asks for the database.
  const server = {
    host: address.host,
    port: address.port,
    ssl: address.ssl,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
  const client = new chromadb.ChromaClient({
    ...server,
    ...(options.tenant ? { tenant: options.tenant } : {}),
    ...(options.database ? { database: options.database } : {}),
  });
  const bounds = { timeoutMs: options.timeoutMs ?? DEFAULT_CHROMA_TIMEOUT_MS, errors: chromadb };
  boundChromaRequests(client, bounds);
  if (!options.tenant && !options.database) return bindChromaStore(client, options);
  // A tenant or database of the configuration's: Chroma answers a missing one as an empty one (no collection,
  // none listed), so where a collection is not found, the database is asked for by name.
  const admin = new chromadb.AdminClient(server);
  boundChromaRequests(admin, bounds);
  const database = { name: options.database ?? DEFAULT_DATABASE, tenant: options.tenant ?? DEFAULT_TENANT };
  return bindChromaStore(client, options, () => admin.getDatabase(database));
}

/** The server's own tenant and database, where the configuration names none. */
const DEFAULT_TENANT = 'default_tenant';
const DEFAULT_DATABASE = 'default_database';

function authHeaders(options: Pick<ChromaStoreOptions, 'authToken' | 'authHeader'>): Record<string, string> {
  if (!options.authToken) return {};
  return options.authHeader === 'X-Chroma-Token'
    ? { 'x-chroma-token': options.authToken }
    : { authorization: `Bearer ${options.authToken}` };
}

/**
 * `checkDatabase`: throws Chroma's "Database [x] not found" when the configured tenant or database does not exist
 * (see createChromaStore); without it, the server's defaults are taken to exist.
 */
export function bindChromaStore(
  client: ChromaClient,
  options: ChromaStoreOptions,
  checkDatabase: () => Promise<unknown> = async () => undefined,
): VectorStore {
  const collection = options.collection ?? DEFAULT_COLLECTION;
  const url = redactConnectionString(options.url);
  const hasToken = Boolean(options.authToken);
  let handle: Collection | null = null;
  let ensured: CollectionInfo | null = null;
  let maxBatch: number | null = null;
  let closed = false;

  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error(`vector store for collection "${collection}" is closed`);
    try {
      return await work();
    } catch (error) {
      throw translateChromaError(error, what, url, hasToken);
    }
  };

  /** The collection handle, or null when it does not exist yet. */
  const findCollection = async (): Promise<Collection | null> => {
    if (handle) return handle;
    try {
      handle = await client.getCollection({ name: collection, embeddingFunction: noEmbeddingFunction });
      return handle;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await checkDatabase();
      return null;
    }
  };

  const batchSize = async (): Promise<number> => {
    if (maxBatch === null) {
      const serverMax = await client.getMaxBatchSize().catch(() => FALLBACK_MAX_BATCH);
      maxBatch = Math.max(1, Math.min(serverMax, options.batchSize ?? serverMax));
    }
    return maxBatch;
  };

  /** The collection to write to: ensureCollection has checked that it belongs to the embedder in use. */
  const writableCollection = (): { found: Collection; dimension: number } => {
    if (!ensured || !handle) {
      throw new Error(`call ensureCollection before writing to vector collection "${collection}"`);
    }
    return { found: handle, dimension: ensured.dimension };
  };

  const upsertInBatches = async (found: Collection, records: VectorRecord[]): Promise<void> => {
    const size = await batchSize();
    for (let start = 0; start < records.length; start += size) {
      const part = records.slice(start, start + size);
      await found.upsert({
        ids: part.map((r) => r.id),
        embeddings: part.map((r) => Array.from(r.embedding)),
        metadatas: part.map((r) => r.metadata as Metadata),
        documents: part.map((r) => r.document),
      });
    }
  };

  const deleteInBatches = async (found: Collection, ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    const size = await batchSize();
    for (let start = 0; start < ids.length; start += size) {
      await found.delete({ ids: ids.slice(start, start + size) });
    }
  };

  return {
    collection,

    ensureCollection: (spec: CollectionSpec) =>
      call(`prepare collection "${collection}"`, async () => {
        if (spec.name !== undefined && spec.name !== collection) {
          throw new Error(`this vector store is bound to collection "${collection}", not "${spec.name}"`);
        }
        if (!Number.isInteger(spec.dimension) || spec.dimension < 1) {
          throw new RangeError('embedding dimension must be a positive whole number');
        }
        // getOrCreate leaves an existing collection's metadata alone: a racing creator cannot overwrite it.
        const found = await client.getOrCreateCollection({
          name: collection,
          configuration: { hnsw: { space: 'cosine' } },
          metadata: { [EMBEDDER_KEY]: spec.embedderId, [DIMENSION_KEY]: spec.dimension },
          embeddingFunction: null,
        });
        handle = found;
        let recorded = readSpace(found);
        if (!recorded) {
          // Made by someone else without our metadata: claim it only while it is empty.
          if ((await found.count()) > 0) {
            throw new IncompatibleCollectionError(collection, { embedderId: 'unknown', dimension: 0 }, spec);
          }
          await found.modify({
            metadata: {
              ...(found.metadata ?? {}),
              [EMBEDDER_KEY]: spec.embedderId,
              [DIMENSION_KEY]: spec.dimension,
            },
          });
          recorded = { embedderId: spec.embedderId, dimension: spec.dimension };
        }
        const space = found.configuration?.hnsw?.space ?? found.metadata?.['hnsw:space'];
        if (space !== undefined && space !== null && space !== 'cosine') {
          throw new UserError(
            `Chroma collection "${collection}" measures ${String(space)} distance, not cosine`,
            undefined,
            'choose another collection with --collection',
          );
        }
        if (recorded.embedderId !== spec.embedderId || recorded.dimension !== spec.dimension) {
          throw new IncompatibleCollectionError(collection, recorded, spec);
        }
        ensured = { name: collection, ...recorded };
      }),

    describeCollection: () =>
      call(`read collection "${collection}"`, async () => {
        const found = await findCollection();
        if (!found) return null;
        const space = readSpace(found) ?? { embedderId: 'unknown', dimension: 0 };
        return { name: collection, ...space };
      }),

    // The same client: its connection, bounds and credentials.
    openCollection: (name: string) =>
      bindChromaStore(client, { ...options, collection: name }, checkDatabase),

    listCollections: () =>
      call('list collections', async () => {
        const names: string[] = [];
        // Paged: a server may hold more collections than one answer lists.
        for (let offset = 0; ;) {
          const page = await client.listCollections({ limit: 100, offset });
          names.push(...page.map((c) => c.name));
          if (page.length < 100) break;
          offset += page.length;
        }
        if (names.length === 0) await checkDatabase();
        return names.sort();
      }),

    replaceDocuments: (documents: DocumentVectors[]) =>
      call(`write to collection "${collection}"`, async () => {
        const { found, dimension } = writableCollection();
        if (documents.length === 0) return;
        validateDocumentVectors(documents, dimension);
        const records = documents.flatMap((d) => d.records);
        const size = await batchSize();
        const documentIds = documents.map((d) => d.documentId);
        const oldIds: string[] = [];
        for (let start = 0; start < documentIds.length; start += size) {
          const { ids } = await found.get({
            where: { document_id: { $in: documentIds.slice(start, start + size) } },
            include: [],
          });
          oldIds.push(...ids);
        }
        // An old id that is written again is overwritten by the upsert; deleting it first would only make
        // the chunk vanish meanwhile.
        const newIds = new Set(records.map((r) => r.id));
        const staleIds = oldIds.filter((id) => !newIds.has(id));
        await deleteInBatches(found, staleIds);
        await upsertInBatches(found, records);
      }),

    deleteDocument: (documentId: string) =>
      call(`delete from collection "${collection}"`, async () => {
        const found = await findCollection();
        if (!found) return 0;
        const { ids } = await found.get({ where: { document_id: documentId }, include: [] });
        await deleteInBatches(found, ids);
        return ids.length;
      }),

    readDocument: (documentId: string) =>
      call(`read from collection "${collection}"`, async () => {
        const found = await findCollection();
        if (!found) return [];
        const result = await found.get({
          where: { document_id: documentId },
          include: ['embeddings', 'documents', 'metadatas'] as never,
        });
        return sortByChunkIndex(
          result.ids.map((id, i) => ({
            id,
            embedding: Float32Array.from((result.embeddings?.[i] ?? []) as number[]),
            document: result.documents?.[i] ?? '',
            metadata: (result.metadatas?.[i] ?? {}) as VectorMetadata,
          })),
        );
      }),

    query: (embedding: Float32Array, queryOptions: VectorQueryOptions) =>
      call(`query collection "${collection}"`, async () => {
        const { k, where } = queryOptions;
        if (!Number.isInteger(k) || k < 1)
          throw new RangeError(`k must be a positive whole number, got ${k}`);
        const found = await findCollection();
        if (!found) return [];
        const space = readSpace(found);
        if (space && embedding.length !== space.dimension) {
          throw new RangeError(
            `query vector has ${embedding.length} dimensions; collection "${collection}" holds ` +
              `${space.dimension}-dimensional vectors from embedder ${space.embedderId}`,
          );
        }
        if (where?.documentIds?.length === 0) return [];
        // A patient's thousands of document ids in one `$in` would make a request the server may refuse:
        // asked for in parts, and the nearest of the parts kept.
        const ids = where?.documentIds;
        const parts =
          ids === undefined
            ? [undefined]
            : Array.from({ length: Math.ceil(ids.length / DOCUMENT_IDS_PER_QUERY) }, (_, part) =>
                ids.slice(part * DOCUMENT_IDS_PER_QUERY, (part + 1) * DOCUMENT_IDS_PER_QUERY),
              );
        const answers: VectorQueryResult[][] = [];
        for (const part of parts) {
          answers.push(
            await queryNearest(found, embedding, k, toChromaWhere({ ...where, documentIds: part })),
          );
        }
        return nearestOf(answers, k);
      }),

    listDocuments: () =>
      call(`read collection "${collection}"`, async () => {
        const found = await findCollection();
        if (!found) return [];
        const size = await batchSize();
        const documents = new Map<string, StoredDocument>();
        // Paged: a collection of millions of chunks is read a server batch at a time.
        for (let offset = 0; ; offset += size) {
          const page = await found.get({ include: ['metadatas'] as never, limit: size, offset });
          for (const raw of page.metadatas ?? []) {
            const metadata = (raw ?? {}) as VectorMetadata;
            const documentId = String(metadata.document_id);
            const known = documents.get(documentId);
            if (known) known.chunks++;
            else documents.set(documentId, { documentId, chunks: 1, metadata });
          }
          if (page.ids.length < size) break;
        }
        return [...documents.values()];
      }),

    countDocumentChunks: (documentIds: readonly string[]) =>
      call(`read collection "${collection}"`, async () => {
        const counts = new Map<string, number>();
        const found = await findCollection();
        if (!found) return counts;
        // Ids only (each names its document, see chunkId): the server reads and sends far less than their metadata.
        // As many documents per request as a query takes: a request the server may refuse would otherwise grow with
        // the group.
        for (let start = 0; start < documentIds.length; start += DOCUMENT_IDS_PER_QUERY) {
          const part = documentIds.slice(start, start + DOCUMENT_IDS_PER_QUERY);
          const asked = new Set(part);
          const { ids } = await found.get({ where: { document_id: { $in: part } }, include: [] });
          const count = (documentId: string) => counts.set(documentId, (counts.get(documentId) ?? 0) + 1);
          const unnamed: string[] = [];
          for (const id of ids) {
            const documentId = documentIdOfChunk(id);
            if (documentId !== null && asked.has(documentId)) count(documentId);
            else unnamed.push(id);
          }
          // A chunk written under another id (by another program): its metadata says whose it is.
          if (unnamed.length > 0) {
            const { metadatas } = await found.get({ ids: unnamed, include: ['metadatas'] as never });
            for (const metadata of metadatas ?? []) count(String((metadata ?? {}).document_id));
          }
        }
        return counts;
      }),

    count: () =>
      call(`count collection "${collection}"`, async () => {
        const found = await findCollection();
        return found ? found.count() : 0;
      }),

    async close(): Promise<void> {
      closed = true;
      handle = null;
      ensured = null;
    },
  };
}

async function queryNearest(
  collection: Collection,
  embedding: Float32Array,
  k: number,
  filter: ChromaWhere | undefined,
): Promise<VectorQueryResult[]> {
  const result = await collection.query({
    queryEmbeddings: [Array.from(embedding)],
    nResults: k,
    ...(filter ? { where: filter } : {}),
    include: ['documents', 'metadatas', 'distances'] as never,
  });
  const ids = result.ids[0] ?? [];
  const hits: VectorQueryResult[] = [];
  ids.forEach((id, i) => {
    const distance = result.distances?.[0]?.[i];
    // A zero vector has no cosine distance to anything: never a hit (as in the embedded store).
    if (distance === null || distance === undefined || !Number.isFinite(distance)) return;
    hits.push({
      id,
      document: result.documents?.[0]?.[i] ?? '',
      metadata: (result.metadatas?.[0]?.[i] ?? {}) as VectorMetadata,
      distance,
    });
  });
  return hits;
}

/** Vectors always come from our own embedder: the client must not try to load Chroma's default one. */
const noEmbeddingFunction = undefined;

function readSpace(collection: Collection): { embedderId: string; dimension: number } | null {
  const embedderId = collection.metadata?.[EMBEDDER_KEY];
  const dimension = collection.metadata?.[DIMENSION_KEY];
  if (typeof embedderId !== 'string' || typeof dimension !== 'number') return null;
  return { embedderId, dimension };
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    !(error instanceof ChromaDownError) &&
    !missingTenantOrDatabase(error) &&
    (error.name === 'ChromaNotFoundError' || /does not exist|not found/i.test(error.message))
  );
}

/**
 * The tenant or database the client was pointed at (CHROMA_TENANT, CHROMA_DATABASE), when Chroma says it has
 * none such: "Database [x] does not exist" (400 to a write; also for a missing tenant, which it names by
 * the database looked for in it), "Database [x] not found…", "Tenant [x] not found" (404).
 */
function missingTenantOrDatabase(error: unknown): { kind: 'tenant' | 'database'; name: string } | null {
  if (!(error instanceof Error) || !/^Chroma(Client|NotFound)Error$/.test(error.name)) return null;
  const found = /\b(Tenant|Database) \[(.*?)\] (?:does not exist|not found)/.exec(error.message);
  return found ? { kind: found[1] === 'Tenant' ? 'tenant' : 'database', name: found[2] ?? '' } : null;
}

function translateChromaError(error: unknown, what: string, url: string, hasToken: boolean): unknown {
  if (!(error instanceof Error) || error instanceof UserError) return error;
  if (error instanceof ChromaDownError) {
    switch (error.kind) {
      case 'unreachable':
        return new ServiceUnavailableError(
          `cannot reach the Chroma server at ${url} to ${what}: ${error.reason}`,
          'check that Chroma is running (chroma run --path DIR --port PORT) and --chroma-url / CHROMA_URL',
        );
      case 'timeout':
        return new ServiceUnavailableError(
          `the Chroma server at ${url} did not answer (to ${what}): ${error.reason}`,
          'check that Chroma is running and not stopped or overloaded; if it is only slow, raise ' +
            'chroma.timeoutSeconds (or TECSALUD_CHROMA_TIMEOUT)',
        );
      case 'auth':
        return new ServiceUnavailableError(
          `the Chroma server at ${url} refused to ${what}: ${error.reason}`,
          hasToken
            ? 'check the token (CHROMA_AUTH_TOKEN, chroma.authToken or --chroma-token) and how the server wants it ' +
                'sent (CHROMA_AUTH_TOKEN_TRANSPORT_HEADER or chroma.authHeader: Authorization or X-Chroma-Token)'
            : 'the server wants a token: set CHROMA_AUTH_TOKEN (or chroma.authToken in the config file, or --chroma-token)',
        );
      case 'gateway':
        return new ServiceUnavailableError(
          `the Chroma server at ${url} is unavailable (to ${what}): ${error.reason}`,
          'the proxy in front of Chroma answers, but Chroma behind it does not: check that Chroma is running',
        );
      case 'not_chroma':
        return new ServiceUnavailableError(
          `the server at ${url} does not answer as a Chroma server (to ${what}): ${error.reason}`,
          'check --chroma-url / CHROMA_URL (or chroma.url): the address and port of Chroma 1.0 or later, ' +
            'with no path (e.g. http://chroma.hospital.local:8000); an older Chroma (0.x) needs upgrading',
        );
    }
  }
  const missing = missingTenantOrDatabase(error);
  if (missing) {
    return new UserError(
      `the Chroma server at ${url} has no ${missing.kind} '${missing.name}' (to ${what})`,
      ExitCode.Usage,
      'check CHROMA_TENANT / CHROMA_DATABASE (or chroma.tenant / chroma.database): name a tenant and database ' +
        'that exist on that server, or leave them out for its default_tenant and default_database',
    );
  }
  // An answer of the server's own (a 500 other than "database is locked", a 429 past its retries): the
  // request failed there. Said as a message with a hint, never an internal error with a stack trace; not
  // ServiceUnavailableError, so that an ingest fails only the files of that request and goes on.
  if (error.name === 'ChromaServerError' || error.name === 'ChromaRateLimitError') {
    return new UserError(
      `the Chroma server at ${url} failed to ${what}: ${error.message}`,
      ExitCode.ServiceUnavailable,
      "Chroma's own log says why; once it is fixed, run the same command again (it finishes what was interrupted)",
    );
  }
  return error;
}
