import { ChromaClient } from 'chromadb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  bindChromaStore,
  createChromaStore,
} from '../../../../src/adapters/vector-stores/chroma/chroma-store.js';
import { parseChromaUrl } from '../../../../src/adapters/vector-stores/chroma/chroma-url.js';
import { toChromaWhere } from '../../../../src/adapters/vector-stores/chroma/chroma-where.js';
import {
  IncompatibleCollectionError,
  type VectorRecord,
} from '../../../../src/adapters/vector-stores/types.js';
import { ExitCode, ServiceUnavailableError, UserError } from '../../../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../../../support/chroma.js';
import { startHttpFaultProxy } from '../../../support/http-fault-proxy.js';
import { writeRecords } from '../store-factories.js';

describe('Chroma helpers', () => {
  it('turns a filter into a Chroma where clause', () => {
    expect(toChromaWhere({})).toBeUndefined();
    expect(toChromaWhere({ expediente: '1' })).toEqual({ expediente: '1' });
    expect(toChromaWhere({ expediente: '1', document_type: 'imaging' })).toEqual({
      $and: [{ expediente: '1' }, { document_type: 'imaging' }],
    });
  });

  it('parses server URLs', () => {
    expect(parseChromaUrl('http://127.0.0.1:8000')).toEqual({ host: '127.0.0.1', port: 8000, ssl: false });
    expect(parseChromaUrl('https://chroma.example.test')).toEqual({
      host: 'chroma.example.test',
      port: 443,
      ssl: true,
    });
    expect(() => parseChromaUrl('localhost:8000')).toThrow(/http/);
    expect(() => parseChromaUrl('nonsense')).toThrow(/the Chroma URL .*'nonsense' is not an http/);
  });

  it('reports an unreachable server as a service failure', async () => {
    const store = await createChromaStore({ url: 'http://127.0.0.1:9' });
    const error = await store.count().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/cannot reach the Chroma server at http:\/\/127\.0\.0\.1:9/);
  });
});

const record = (documentId: string, i: number): VectorRecord => ({
  id: `${documentId}_chunk_${i}`,
  embedding: new Float32Array([1, i, 0, 0]),
  document: `fragmento ${i}`,
  metadata: {
    document_id: documentId,
    expediente: '1000000001',
    document_type: 'consultation',
    chunk_index: i,
  },
});

describe.skipIf(!chromaWanted())('Chroma store on a real server', () => {
  let scratch: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  const open = (batchSize?: number) =>
    bindChromaStore(new ChromaClient({ ...parseChromaUrl(scratch.url), database: scratch.database }), {
      url: scratch.url,
      ...(batchSize ? { batchSize } : {}),
    });

  beforeEach(async () => {
    scratch = await createScratchChromaDatabase();
  });
  afterEach(async () => {
    await scratch.drop();
  });

  it('writes and deletes a document spread over several batches', async () => {
    const store = open(3);
    await store.ensureCollection({ embedderId: 'e', dimension: 4 });
    await writeRecords(
      store,
      Array.from({ length: 10 }, (_, i) => record('doc-a', i)),
    );
    expect(await store.count()).toBe(10);
    // Listed a page of the server's batch size at a time, the document counted across the pages.
    expect(await store.listDocuments()).toEqual([
      { documentId: 'doc-a', chunks: 10, metadata: expect.objectContaining({ document_id: 'doc-a' }) },
    ]);
    expect(await store.deleteDocument('doc-a')).toBe(10);
    expect(await store.count()).toBe(0);
  });

  it('lets exactly one of two racing embedders claim a new collection', async () => {
    const [a, b] = [open(), open()];
    const outcomes = await Promise.allSettled([
      a.ensureCollection({ embedderId: 'embedder-a', dimension: 4 }),
      b.ensureCollection({ embedderId: 'embedder-b', dimension: 4 }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(IncompatibleCollectionError);
  });

  it('records the embedder in metadata that any Chroma client can read', async () => {
    const store = open();
    await store.ensureCollection({ embedderId: 'openai:text-embedding-3-small', dimension: 4 });
    const client = new ChromaClient({ ...parseChromaUrl(scratch.url), database: scratch.database });
    const raw = await client.getCollection({ name: 'medical_documents' });
    expect(raw.metadata).toMatchObject({
      'tecsalud:embedder_id': 'openai:text-embedding-3-small',
      'tecsalud:dimension': 4,
    });
    expect(raw.configuration.hnsw?.space).toBe('cosine');
  });

  it('a server error is said as a message with a hint (exit 69), not an internal error', async () => {
    const proxy = await startHttpFaultProxy({
      target: scratch.url,
      answer: ({ path }) =>
        path.endsWith('/query')
          ? { status: 500, body: { error: 'InternalError', message: 'index broke' } }
          : null,
    });
    try {
      const store = await createChromaStore({ url: proxy.url, database: scratch.database });
      await store.ensureCollection({ embedderId: 'e', dimension: 4 });
      await writeRecords(store, [record('doc-a', 0)]);
      const failed = await store
        .query(Float32Array.from([1, 0, 0, 0]), { k: 1 })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(UserError);
      expect(failed).not.toBeInstanceOf(ServiceUnavailableError);
      expect(failed).toMatchObject({
        exitCode: ExitCode.ServiceUnavailable,
        message: `the Chroma server at ${proxy.url} failed to query collection "medical_documents": index broke`,
        hint: expect.stringContaining("Chroma's own log says why"),
      });
    } finally {
      await proxy.close();
    }
  });

  describe('when Chroma answers "database is locked"', () => {
    // What Chroma's server says when concurrent writers collide in its SQLite catalogue (seen here with
    // several test processes creating and dropping databases at once): the request was rolled back.
    const LOCKED = {
      status: 500,
      body: {
        error: 'InternalError',
        message: 'Database error: error returned from database: (code: 5) database is locked',
      },
    };
    const isUpsert = (path: string) => path.endsWith('/upsert');

    it('sends the same request again and the write goes through', async () => {
      let refusals = 2;
      const proxy = await startHttpFaultProxy({
        target: scratch.url,
        answer: ({ path }) => (isUpsert(path) && refusals-- > 0 ? LOCKED : null),
      });
      try {
        const store = await createChromaStore({ url: proxy.url, database: scratch.database });
        await store.ensureCollection({ embedderId: 'e', dimension: 4 });
        await writeRecords(
          store,
          Array.from({ length: 3 }, (_, i) => record('doc-a', i)),
        );
        const upserts = proxy.seen.filter((r) => isUpsert(r.path));
        expect(upserts.map((r) => r.injected)).toEqual([true, true, false]);
        // Each attempt carried the whole request, not an empty or half-read body.
        expect(new Set(upserts.map((r) => r.body)).size).toBe(1);
        expect(JSON.parse(upserts[2]!.body).ids).toEqual(['doc-a_chunk_0', 'doc-a_chunk_1', 'doc-a_chunk_2']);
        expect(await store.count()).toBe(3);
      } finally {
        await proxy.close();
      }
    });

    it("gives up after a few tries with the server's message, and other server errors are not retried", async () => {
      let failure: { status: number; body: unknown } = LOCKED;
      const proxy = await startHttpFaultProxy({
        target: scratch.url,
        answer: ({ path }) => (isUpsert(path) ? failure : null),
      });
      try {
        const store = await createChromaStore({ url: proxy.url, database: scratch.database });
        await store.ensureCollection({ embedderId: 'e', dimension: 4 });
        await expect(writeRecords(store, [record('doc-a', 0)])).rejects.toThrow(/database is locked/);
        expect(proxy.seen.filter((r) => isUpsert(r.path))).toHaveLength(5);

        failure = { status: 500, body: { error: 'InternalError', message: 'something else broke' } };
        await expect(writeRecords(store, [record('doc-a', 0)])).rejects.toThrow(/something else broke/);
        expect(proxy.seen.filter((r) => isUpsert(r.path))).toHaveLength(6);
        expect(await store.count()).toBe(0);
      } finally {
        await proxy.close();
      }
    });
  });
});
