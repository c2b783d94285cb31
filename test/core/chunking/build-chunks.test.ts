import { describe, expect, it } from 'vitest';

import { buildChunks, chunkId, documentIdOfChunk } from '../../../src/core/chunking/build-chunks.js';
import type { ChunkMetadataBase } from '../../../src/core/chunking/types.js';

const BASE: ChunkMetadataBase = {
  document_id: 'doc-0001',
  patient_id: 'pat-0001',
  expediente: '1000000001',
  document_type: 'consultation',
  numero: '5000000001',
  batch_id: 'batch-0001',
  source_filename: '1000000001_PRUEBA SINTETICA, ANA_5000000001_CONS.pdf',
  content_sha256: 'a'.repeat(64),
};

const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Nota sintética número ${i} sobre la evolución clínica.`,
).join(' ');

describe('buildChunks', () => {
  it('gives deterministic ids and a running index with the total', () => {
    const chunks = buildChunks(TEXT, BASE, { chunkSize: 400, overlap: 80 });
    expect(chunks.length).toBeGreaterThan(3);
    chunks.forEach((chunk, i) => {
      expect(chunk.id).toBe(`doc-0001_chunk_${i}`);
      expect(chunk.metadata.chunk_index).toBe(i);
      expect(chunk.metadata.total_chunks).toBe(chunks.length);
    });
    expect(buildChunks(TEXT, BASE, { chunkSize: 400, overlap: 80 })).toEqual(chunks);
  });

  it('names the document of each chunk id it gave, and of no id of another form', () => {
    for (const chunk of buildChunks(TEXT, BASE, { chunkSize: 200, overlap: 20 })) {
      expect(documentIdOfChunk(chunk.id)).toBe(BASE.document_id);
    }
    expect(documentIdOfChunk(chunkId('a_chunk_b', 12))).toBe('a_chunk_b');
    for (const other of ['foreign-record', '_chunk_3', 'doc-0001_chunk_', 'doc-0001_chunk_x']) {
      expect(documentIdOfChunk(other)).toBeNull();
    }
  });

  it('carries every field of the document on every chunk', () => {
    const [first] = buildChunks(TEXT, BASE);
    expect(first?.metadata).toEqual({ ...BASE, chunk_index: 0, total_chunks: first?.metadata.total_chunks });
  });

  it('stores a missing numero as an empty string, so that no metadata value is null', () => {
    const chunks = buildChunks(TEXT, { ...BASE, numero: null });
    for (const chunk of chunks) {
      expect(chunk.metadata.numero).toBe('');
      for (const value of Object.values(chunk.metadata)) expect(['string', 'number']).toContain(typeof value);
    }
  });

  it('gives no chunks for a text without content', () => {
    expect(buildChunks('  \n ', BASE)).toEqual([]);
  });

  it('matches chunkText', () => {
    expect(buildChunks('Texto breve.', BASE).map((c) => c.text)).toEqual(['Texto breve.']);
    expect(chunkId('x', 3)).toBe('x_chunk_3');
  });
});
