import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createHashingEmbedder } from '../../../src/adapters/embedders/hashing-embedder.js';
import {
  IncompatibleCollectionError,
  type DocumentVectors,
  type VectorRecord,
  type VectorStore,
} from '../../../src/adapters/vector-stores/types.js';
import { STORE_FACTORIES, writeRecords, type StoreHarness } from './store-factories.js';

const DIM = 8;
const SPACE = { embedderId: 'test-embedder-v1', dimension: DIM };

/** A unit vector leaning towards axis `axis`, tilted by `tilt` towards the next one. */
function vec(axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[axis % DIM] = 1;
  v[(axis + 1) % DIM] = tilt;
  const n = Math.hypot(1, tilt);
  return v.map((x) => x / n);
}

function record(
  documentId: string,
  index: number,
  embedding: Float32Array,
  extra: Partial<{ expediente: string; document_type: string; text: string }> = {},
): VectorRecord {
  return {
    id: `${documentId}_chunk_${index}`,
    embedding,
    document: extra.text ?? `Texto sintético ${documentId} fragmento ${index}`,
    metadata: {
      document_id: documentId,
      expediente: extra.expediente ?? '1000000001',
      document_type: extra.document_type ?? 'consultation',
      chunk_index: index,
      total_chunks: 3,
      vectorized: true,
    },
  };
}

/** A document whose chunk `i` points along axis `axes[i]`. */
function documentVectors(documentId: string, axes: number[]): DocumentVectors {
  return { documentId, records: axes.map((axis, i) => record(documentId, i, vec(axis))) };
}

describe.each(STORE_FACTORIES)('VectorStore: $name', (factory) => {
  let harness: StoreHarness;
  let store: VectorStore;

  beforeEach(async () => {
    harness = await factory.setup();
    store = harness.open();
  });
  afterEach(async () => {
    await store.close();
    await harness.cleanup();
  });

  it('creates the collection on first use and records its embedder', async () => {
    expect(store.collection).toBe('medical_documents');
    expect(await store.describeCollection()).toBeNull();
    await store.ensureCollection(SPACE);
    expect(await store.describeCollection()).toEqual({ name: 'medical_documents', ...SPACE });
    expect(await store.count()).toBe(0);
    await store.ensureCollection({ name: 'medical_documents', ...SPACE }); // again: a no-op
  });

  it('refuses to write before ensureCollection', async () => {
    await expect(writeRecords(store, [record('doc-a', 0, vec(0))])).rejects.toThrow(/ensureCollection/);
  });

  it('reads an empty or missing collection as empty', async () => {
    expect(await store.count()).toBe(0);
    expect(await store.query(vec(0), { k: 3 })).toEqual([]);
    expect(await store.deleteDocument('nothing')).toBe(0);
  });

  it('returns the nearest records first, with their text, metadata and cosine distance', async () => {
    await store.ensureCollection(SPACE);
    await writeRecords(store, [
      record('doc-a', 0, vec(0)),
      record('doc-a', 1, vec(0, 0.5)),
      record('doc-b', 0, vec(3)),
    ]);
    const hits = await store.query(vec(0), { k: 2 });
    expect(hits.map((h) => h.id)).toEqual(['doc-a_chunk_0', 'doc-a_chunk_1']);
    expect(hits[0]?.distance).toBeCloseTo(0, 5);
    expect(hits[1]?.distance).toBeCloseTo(1 - 1 / Math.hypot(1, 0.5), 5);
    expect(hits[0]?.document).toBe('Texto sintético doc-a fragmento 0');
    expect(hits[0]?.metadata).toEqual(record('doc-a', 0, vec(0)).metadata);
    const far = await store.query(vec(3), { k: 10 });
    expect(far).toHaveLength(3);
    expect(far[0]?.id).toBe('doc-b_chunk_0');
    expect(far[2]?.distance).toBeCloseTo(1, 5);
  });

  it('writes idempotently: the same document twice is one copy of its records', async () => {
    await store.ensureCollection(SPACE);
    const first = [record('doc-a', 0, vec(0)), record('doc-a', 1, vec(1))];
    await writeRecords(store, first);
    await writeRecords(store, first);
    expect(await store.count()).toBe(2);
    expect(await store.query(vec(5), { k: 5, where: { expediente: '1000000001' } })).toHaveLength(2);
  });

  it('deletes every chunk of one document and nothing else', async () => {
    await store.ensureCollection(SPACE);
    await writeRecords(
      store,
      [0, 1, 2].map((i) => record('doc-a', i, vec(i))),
    );
    await writeRecords(
      store,
      [0, 1].map((i) => record('doc-b', i, vec(i))),
    );
    expect(await store.deleteDocument('doc-a')).toBe(3);
    expect(await store.deleteDocument('doc-a')).toBe(0);
    expect(await store.count()).toBe(2);
    const hits = await store.query(vec(0), { k: 10 });
    expect(hits.map((h) => h.id).sort()).toEqual(['doc-b_chunk_0', 'doc-b_chunk_1']);
    // A re-ingest after the delete writes the same ids again.
    await writeRecords(store, [record('doc-a', 0, vec(0))]);
    expect(await store.count()).toBe(3);
  });

  it('reads one document back in chunk order with its embeddings, and rewrites it with new metadata', async () => {
    await store.ensureCollection(SPACE);
    expect(await store.readDocument('doc-a')).toEqual([]);
    // Written out of order, and more than ten chunks: the order is chunk_index's, not the ids'.
    const records = [11, 2, 0, 10, 1].map((i, n) => record('doc-a', i, vec(n, 0.5), { text: `trozo ${i}` }));
    await writeRecords(store, records);
    await writeRecords(store, [record('doc-b', 0, vec(7))]);
    const read = await store.readDocument('doc-a');
    expect(read.map((r) => r.metadata.chunk_index)).toEqual([0, 1, 2, 10, 11]);
    expect(read.map((r) => r.document)).toEqual(['trozo 0', 'trozo 1', 'trozo 2', 'trozo 10', 'trozo 11']);
    const original = records.find((r) => r.metadata.chunk_index === 2)!;
    const two = read[2]!;
    expect(two.id).toBe(original.id);
    expect(two.metadata).toEqual(original.metadata);
    for (let i = 0; i < DIM; i++) expect(two.embedding[i]).toBeCloseTo(original.embedding[i]!, 5);

    // Moving a document: the same records with another expediente, no new embedding needed.
    await store.replaceDocuments([
      {
        documentId: 'doc-a',
        records: read.map((r) => ({ ...r, metadata: { ...r.metadata, expediente: '1000000002' } })),
      },
    ]);
    expect(await store.count()).toBe(6);
    expect(await store.query(vec(1, 0.5), { k: 10, where: { expediente: '1000000001' } })).toHaveLength(1);
    const moved = await store.query(vec(1, 0.5), { k: 10, where: { expediente: '1000000002' } });
    expect(moved.map((h) => h.id).sort()).toEqual(read.map((r) => r.id).sort());
    expect(moved[0]!.id).toBe('doc-a_chunk_2');
    expect(moved[0]!.distance).toBeCloseTo(0, 5);
  });

  it('filters by expediente, by document type, and by both, returning k among the matches', async () => {
    await store.ensureCollection(SPACE);
    await writeRecords(store, [
      record('doc-a', 0, vec(0), { expediente: '1000000001', document_type: 'consultation' }),
      record('doc-b', 0, vec(0, 0.1), { expediente: '1000000002', document_type: 'consultation' }),
      record('doc-c', 0, vec(0, 0.2), { expediente: '1000000002', document_type: 'lab_results' }),
      record('doc-d', 0, vec(4), { expediente: '1000000002', document_type: 'lab_results' }),
      record('doc-e', 0, vec(0, 0.3), { expediente: '1000000003', document_type: 'imaging' }),
    ]);
    const ids = async (where: { expediente?: string; document_type?: string }, k = 10) =>
      (await store.query(vec(0), { k, where })).map((h) => h.id.replace('_chunk_0', ''));
    expect(await ids({ expediente: '1000000002' })).toEqual(['doc-b', 'doc-c', 'doc-d']);
    expect(await ids({ expediente: '1000000002' }, 1)).toEqual(['doc-b']);
    expect(await ids({ document_type: 'lab_results' })).toEqual(['doc-c', 'doc-d']);
    expect(await ids({ expediente: '1000000002', document_type: 'lab_results' }, 1)).toEqual(['doc-c']);
    expect(await ids({ expediente: '9999999999' })).toEqual([]);
    expect(await ids({}, 2)).toEqual(['doc-a', 'doc-b']);
  });

  it("lists every document it holds chunks of, with how many and one chunk's metadata", async () => {
    expect(await store.listDocuments()).toEqual([]);
    await store.ensureCollection(SPACE);
    await writeRecords(store, [
      record('doc-a', 0, vec(0)),
      record('doc-a', 1, vec(1)),
      record('doc-b', 0, vec(2), { expediente: '1000000002' }),
    ]);
    const listed = await store.listDocuments();
    expect(listed.map((d) => [d.documentId, d.chunks, d.metadata.expediente]).sort()).toEqual([
      ['doc-a', 2, '1000000001'],
      ['doc-b', 1, '1000000002'],
    ]);
  });

  it('counts the chunks of the documents asked for, of a list of thousands, and none of the others', async () => {
    expect(await store.countDocumentChunks(['doc-a'])).toEqual(new Map());
    await store.ensureCollection(SPACE);
    await writeRecords(store, [
      record('doc-a', 0, vec(0)),
      record('doc-a', 1, vec(1)),
      record('doc-b', 0, vec(2)),
      record('doc-c', 0, vec(3)),
      // Written under ids of another form (another program's): counted by their metadata.
      { ...record('doc-c', 1, vec(4)), id: 'foreign-record' },
      { ...record('doc-c', 2, vec(5)), id: 'doc-b_chunk_9' },
    ]);
    const asked = [...Array.from({ length: 1200 }, (_, i) => `absent-${i}`), 'doc-a', 'doc-c'];
    expect(await store.countDocumentChunks(asked)).toEqual(
      new Map([
        ['doc-a', 2],
        ['doc-c', 3],
      ]),
    );
    expect(await store.countDocumentChunks([])).toEqual(new Map());
  });

  it('filters by document ids, whatever expediente the chunks carry, with type, k and a list of thousands', async () => {
    await store.ensureCollection(SPACE);
    await writeRecords(store, [
      record('doc-a', 0, vec(0), { expediente: '1000000001' }),
      record('doc-b', 0, vec(0, 0.1), { expediente: '1000000002', document_type: 'lab_results' }),
      record('doc-c', 0, vec(0, 0.2), { expediente: '1000000003' }),
      record('doc-d', 0, vec(0, 0.3), { expediente: '1000000001' }),
    ]);
    const ids = async (where: { documentIds: string[]; document_type?: string }, k = 10) =>
      (await store.query(vec(0), { k, where })).map((h) => h.id.replace('_chunk_0', ''));
    expect(await ids({ documentIds: ['doc-d', 'doc-b'] })).toEqual(['doc-b', 'doc-d']);
    expect(await ids({ documentIds: ['doc-d', 'doc-b'] }, 1)).toEqual(['doc-b']);
    expect(await ids({ documentIds: ['doc-d', 'doc-b'], document_type: 'lab_results' })).toEqual(['doc-b']);
    expect(await ids({ documentIds: [] })).toEqual([]);
    // A patient with thousands of documents: the nearest of them all, whichever part of the list names them.
    const many = Array.from({ length: 1_500 }, (_, i) => `absent-${i}`);
    many.splice(700, 0, 'doc-c');
    many.push('doc-d');
    expect(await ids({ documentIds: many })).toEqual(['doc-c', 'doc-d']);
    expect(await ids({ documentIds: many }, 1)).toEqual(['doc-c']);
  });

  describe('replaceDocuments', () => {
    const idsNear = async (embedding: Float32Array) =>
      (await store.query(embedding, { k: 50 })).map((h) => h.id).sort();

    it('writes several documents in one call', async () => {
      await store.ensureCollection(SPACE);
      await store.replaceDocuments([
        documentVectors('doc-a', [0, 1, 2]),
        documentVectors('doc-b', [3]),
        documentVectors('doc-c', [4, 5]),
      ]);
      expect(await store.count()).toBe(6);
      expect(await idsNear(vec(0))).toEqual([
        'doc-a_chunk_0',
        'doc-a_chunk_1',
        'doc-a_chunk_2',
        'doc-b_chunk_0',
        'doc-c_chunk_0',
        'doc-c_chunk_1',
      ]);
      const [hit] = await store.query(vec(5), { k: 1 });
      expect(hit).toMatchObject({ id: 'doc-c_chunk_1', document: 'Texto sintético doc-c fragmento 1' });
      expect(hit?.distance).toBeCloseTo(0, 5);
      expect(await store.deleteDocument('doc-a')).toBe(3);
    });

    it('leaves none of a document’s old chunks when it now has fewer, and other documents untouched', async () => {
      await store.ensureCollection(SPACE);
      await writeRecords(store, documentVectors('doc-a', [0, 1, 2, 3]).records);
      await writeRecords(store, documentVectors('doc-b', [4, 5]).records);
      await store.replaceDocuments([documentVectors('doc-a', [6])]);
      expect(await store.count()).toBe(3);
      expect(await idsNear(vec(0))).toEqual(['doc-a_chunk_0', 'doc-b_chunk_0', 'doc-b_chunk_1']);
      const [hit] = await store.query(vec(6), { k: 1 });
      expect(hit?.id).toBe('doc-a_chunk_0');
      expect(hit?.distance).toBeCloseTo(0, 5);
      const [other] = await store.query(vec(5), { k: 1 });
      expect(other).toMatchObject({ id: 'doc-b_chunk_1', document: 'Texto sintético doc-b fragmento 1' });
      expect(other?.distance).toBeCloseTo(0, 5);
      // A document with no chunks left is removed altogether.
      await store.replaceDocuments([{ documentId: 'doc-b', records: [] }]);
      expect(await idsNear(vec(0))).toEqual(['doc-a_chunk_0']);
    });

    it('rewrites a document under the same ids: new text, metadata and embedding, the same count', async () => {
      await store.ensureCollection(SPACE);
      await store.replaceDocuments([documentVectors('doc-a', [0, 1]), documentVectors('doc-b', [2])]);
      const revised = record('doc-a', 1, vec(7), { text: 'versión nueva', expediente: '1000000009' });
      await store.replaceDocuments([{ documentId: 'doc-a', records: [record('doc-a', 0, vec(0)), revised] }]);
      expect(await store.count()).toBe(3);
      const [hit] = await store.query(vec(7), { k: 1 });
      expect(hit).toMatchObject({ id: 'doc-a_chunk_1', document: 'versión nueva' });
      expect(hit?.distance).toBeCloseTo(0, 5);
      expect(hit?.metadata).toEqual(revised.metadata);
      expect(
        (await store.query(vec(7), { k: 5, where: { expediente: '1000000009' } })).map((h) => h.id),
      ).toEqual(['doc-a_chunk_1']);
    });

    it('takes over an id that another document holds, keeping one record for it', async () => {
      await store.ensureCollection(SPACE);
      const held = { ...record('doc-x', 0, vec(0)), id: 'shared_chunk_0' };
      await writeRecords(store, [held, record('doc-x', 1, vec(1))]);
      const takeover = { ...record('doc-y', 0, vec(3), { text: 'ahora de doc-y' }), id: 'shared_chunk_0' };
      await store.replaceDocuments([{ documentId: 'doc-y', records: [takeover] }]);
      expect(await store.count()).toBe(2);
      const [hit] = await store.query(vec(3), { k: 1 });
      expect(hit).toMatchObject({ id: 'shared_chunk_0', document: 'ahora de doc-y' });
      expect(hit?.metadata.document_id).toBe('doc-y');
      expect(hit?.distance).toBeCloseTo(0, 5);
      expect(await store.deleteDocument('doc-x')).toBe(1);
      expect(await store.deleteDocument('doc-y')).toBe(1);
      expect(await store.count()).toBe(0);
    });

    it('refuses a record of another document, a wrong-length vector or a repeated id, writing nothing', async () => {
      await store.ensureCollection(SPACE);
      await writeRecords(store, documentVectors('doc-a', [0, 1, 2]).records);
      const before = await idsNear(vec(0));
      const attempts: [DocumentVectors[], RegExp][] = [
        [
          [documentVectors('doc-a', [3]), { documentId: 'doc-b', records: [record('doc-c', 0, vec(4))] }],
          /doc-c.*document "doc-b"/,
        ],
        [
          [
            documentVectors('doc-a', [3]),
            {
              documentId: 'doc-b',
              records: [{ ...record('doc-b', 0, vec(4)), embedding: new Float32Array(3) }],
            },
          ],
          /3 dimensions/,
        ],
        [[documentVectors('doc-a', [3]), documentVectors('doc-a', [4])], /doc-a.*twice/],
        [
          [
            documentVectors('doc-b', [3]),
            { documentId: 'doc-c', records: [{ ...record('doc-c', 0, vec(4)), id: 'doc-b_chunk_0' }] },
          ],
          /doc-b_chunk_0.*twice/,
        ],
      ];
      for (const [documents, message] of attempts) {
        await expect(store.replaceDocuments(documents)).rejects.toThrow(message);
        expect(await idsNear(vec(0))).toEqual(before);
      }
      expect(await store.count()).toBe(3);
    });

    it('does nothing with no documents, and refuses to write before ensureCollection', async () => {
      await expect(store.replaceDocuments([documentVectors('doc-a', [0])])).rejects.toThrow(
        /ensureCollection/,
      );
      await expect(store.replaceDocuments([])).rejects.toThrow(/ensureCollection/);
      await store.ensureCollection(SPACE);
      await store.replaceDocuments([]);
      expect(await store.count()).toBe(0);
    });
  });

  it('refuses another embedder or dimension with a clear, typed error', async () => {
    await store.ensureCollection(SPACE);
    const other = { embedderId: 'openai:text-embedding-3-small', dimension: DIM };
    const error = await store.ensureCollection(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompatibleCollectionError);
    expect((error as Error).message).toBe(
      'Collection "medical_documents" holds vectors from embedder test-embedder-v1 (dimension 8); ' +
        'refusing to use it with embedder openai:text-embedding-3-small (dimension 8).',
    );
    expect(error).toMatchObject({ collection: 'medical_documents', existing: SPACE, requested: other });
    await expect(store.ensureCollection({ ...SPACE, dimension: 16 })).rejects.toThrow(/dimension 16/);

    const reopened = harness.open();
    await expect(reopened.ensureCollection(other)).rejects.toBeInstanceOf(IncompatibleCollectionError);
    await expect(writeRecords(reopened, [record('doc-a', 0, vec(0))])).rejects.toThrow(/ensureCollection/);
    await reopened.close();
  });

  it('rejects vectors of the wrong length, writing nothing of the batch', async () => {
    await store.ensureCollection(SPACE);
    const bad = { ...record('doc-a', 1, vec(1)), embedding: new Float32Array(DIM + 1) };
    await expect(writeRecords(store, [record('doc-a', 0, vec(0)), bad])).rejects.toThrow(/9 dimensions/);
    expect(await store.count()).toBe(0);
    await expect(store.query(new Float32Array(3), { k: 1 })).rejects.toThrow(/3 dimensions/);
  });

  it('rejects records without a document id or with null metadata', async () => {
    await store.ensureCollection(SPACE);
    const noDocument = record('doc-a', 0, vec(0));
    delete (noDocument.metadata as Record<string, unknown>).document_id;
    await expect(writeRecords(store, [noDocument])).rejects.toThrow(/document_id/);
    const withNull = record('doc-a', 0, vec(0));
    (withNull.metadata as Record<string, unknown>).numero = null;
    await expect(writeRecords(store, [withNull])).rejects.toThrow(/numero/);
  });

  it('keeps everything across a reopen', async () => {
    await store.ensureCollection(SPACE);
    await writeRecords(
      store,
      [0, 1, 2].map((i) => record('doc-a', i, vec(i))),
    );
    const before = await store.query(vec(1), { k: 3 });
    await store.close();
    store = harness.open();
    expect(await store.describeCollection()).toEqual({ name: 'medical_documents', ...SPACE });
    expect(await store.count()).toBe(3);
    expect(await store.query(vec(1), { k: 3 })).toEqual(before);
    await store.ensureCollection(SPACE);
    await writeRecords(
      store,
      [0, 1, 2].map((i) => record('doc-a', i, vec(i))),
    );
    expect(await store.count()).toBe(3);
  });

  it('keeps collections apart', async () => {
    const other = harness.open('another_collection');
    await store.ensureCollection(SPACE);
    await other.ensureCollection({ embedderId: 'other', dimension: 4 });
    await writeRecords(store, [record('doc-a', 0, vec(0))]);
    await writeRecords(other, [{ ...record('doc-z', 0, vec(0)), embedding: new Float32Array([1, 0, 0, 0]) }]);
    expect(await store.count()).toBe(1);
    expect(await other.count()).toBe(1);
    expect((await other.query(new Float32Array([1, 0, 0, 0]), { k: 5 })).map((h) => h.id)).toEqual([
      'doc-z_chunk_0',
    ]);
    await expect(store.ensureCollection({ ...SPACE, name: 'another_collection' })).rejects.toThrow(
      /bound to/,
    );
    await other.close();
  });

  it('finds a chunk by a phrase from it with the hashing embedder', async () => {
    const embedder = createHashingEmbedder();
    await store.ensureCollection({ embedderId: embedder.id, dimension: embedder.dimension });
    const texts = [
      'Consulta de seguimiento: hipertensión arterial controlada con losartán.',
      'Ultrasonido abdominal: litiasis vesicular sin engrosamiento de la pared.',
      'Biometría hemática con leucocitosis leve; se indica antibiótico.',
    ];
    const vectors = await embedder.embed(texts);
    await writeRecords(
      store,
      texts.map((text, i) => ({ ...record('doc-h', i, vectors[i] ?? new Float32Array()), document: text })),
    );
    const [query] = await embedder.embed(['litiasis vesicular']);
    const [hit] = await store.query(query ?? new Float32Array(), { k: 1 });
    expect(hit?.document).toBe(texts[1]);
  });

  it('stops working once closed', async () => {
    await store.close();
    await expect(store.count()).rejects.toThrow(/closed/);
  });
});
