import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import {
  createHashingEmbedder,
  DEFAULT_HASHING_DIMENSION,
  HASHING_EMBEDDER_ID,
  hashText,
} from '../../../src/adapters/embedders/hashing-embedder.js';
import { syntheticSpanishText } from './synthetic-spanish.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

async function embedOne(text: string, dimension?: number): Promise<Float32Array> {
  const [vector] = await createHashingEmbedder({ dimension }).embed([text]);
  if (!vector) throw new Error('no vector');
  return vector;
}

const DIABETES =
  'Paciente con diabetes mellitus tipo 2 en tratamiento con metformina; glucosa en ayuno elevada.';
const DIABETES_REWORDED = 'Diabetes mellitus tipo 2: se ajusta la metformina por glucosa elevada en ayunas.';
const FRACTURE = 'Fractura de radio distal derecho; se coloca férula y se cita a ortopedia.';
const CHEST = 'Radiografía de tórax sin alteraciones, campos pulmonares bien ventilados.';

describe('createHashingEmbedder', () => {
  it('names its space and dimension', () => {
    const embedder = createHashingEmbedder();
    expect(embedder.id).toBe(HASHING_EMBEDDER_ID);
    expect(embedder.dimension).toBe(DEFAULT_HASHING_DIMENSION);
    expect(createHashingEmbedder({ dimension: 384 }).dimension).toBe(384);
  });

  it('returns one vector of the configured dimension per text, in order', async () => {
    const embedder = createHashingEmbedder({ dimension: 384 });
    const vectors = await embedder.embed([DIABETES, FRACTURE, CHEST]);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(v).toBeInstanceOf(Float32Array);
    for (const v of vectors) expect(v.length).toBe(384);
    expect(vectors[1]).toEqual(await embedOne(FRACTURE, 384));
    expect(await embedder.embed([])).toEqual([]);
  });

  it('is deterministic across instances', async () => {
    const a = await createHashingEmbedder().embed([DIABETES]);
    const b = await createHashingEmbedder().embed([DIABETES]);
    expect(Array.from(a[0] ?? [])).toEqual(Array.from(b[0] ?? []));
  });

  it('gives unit-length vectors, and a zero vector to text without words', async () => {
    for (const text of [DIABETES, 'x', syntheticSpanishText(5000, 3)]) {
      expect(norm(await embedOne(text))).toBeCloseTo(1, 5);
    }
    expect(norm(await embedOne(' ... — !! '))).toBe(0);
    // Function words alone carry nothing to search by.
    expect(norm(await embedOne('de la y el'))).toBe(0);
  });

  it('puts texts sharing vocabulary closer than unrelated ones', async () => {
    const diabetes = await embedOne(DIABETES);
    const reworded = await embedOne(DIABETES_REWORDED);
    const fracture = await embedOne(FRACTURE);
    const chest = await embedOne(CHEST);
    const related = cosine(diabetes, reworded);
    expect(related).toBeGreaterThan(0.3);
    expect(related).toBeGreaterThan(cosine(diabetes, fracture) + 0.2);
    expect(related).toBeGreaterThan(cosine(diabetes, chest) + 0.2);
  });

  it('ranks a short query nearest to the passage that contains its words', async () => {
    const passages = [DIABETES, FRACTURE, CHEST, syntheticSpanishText(1000, 7)];
    const vectors = await createHashingEmbedder().embed(passages);
    const query = await embedOne('férula radio');
    const scores = vectors.map((v) => cosine(query, v));
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
  });

  it('ignores accents and case', async () => {
    const plain = await embedOne('RADIOGRAFIA DE TORAX: OPACIDAD EN LOBULO INFERIOR, NEUMONIA');
    const accented = await embedOne('radiografía de tórax: opacidad en lóbulo inferior, neumonía');
    const decomposed = await embedOne(
      'radiografía de tórax: opacidad en lóbulo inferior, neumonía'.normalize('NFD'),
    );
    expect(cosine(plain, accented)).toBeCloseTo(1, 5);
    expect(cosine(accented, decomposed)).toBeCloseTo(1, 5);
  });

  it('lets inflected forms meet through character trigrams', async () => {
    const a = await embedOne('paciente diabético');
    const b = await embedOne('diabetes');
    const c = await embedOne('fractura');
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.1);
  });

  it('does not let function words alone make texts similar', async () => {
    const a = await embedOne('el dolor de la cabeza');
    const b = await embedOne('la fractura de el pie');
    expect(Math.abs(cosine(a, b))).toBeLessThan(0.2);
  });

  it(`gives the very vectors ${HASHING_EMBEDDER_ID} always gave (a change to them needs a new id)`, () => {
    // SHA-256 of the Float32 bytes, from the first release of this id: collections filled by it are searched
    // with vectors made now, so a speed-up must leave every bit as it was.
    const cases: [string, number, string][] = [
      [syntheticSpanishText(1000, 1), 512, 'da6e444fa7807725'],
      [syntheticSpanishText(5000, 7), 384, 'e913056793709e84'],
      ['Nin\u0303o cafe\u0301 ÁRBOL ñandú Ü', 512, '2b5508f0c7304f92'],
      ['de la y el en los', 512, 'e5a00aa9991ac8a5'],
      ['x'.repeat(200) + ' palabra', 8, 'f649e7e5dedbd2eb'],
      ['𝔸𝔹 😀 señal', 512, '154d30c26f252707'],
      ['', 512, 'e5a00aa9991ac8a5'],
    ];
    for (const [text, dimension, digest] of cases) {
      const bytes = new Uint8Array(hashText(text, dimension).buffer);
      expect(createHash('sha256').update(bytes).digest('hex').slice(0, 16), text.slice(0, 40)).toBe(digest);
    }
  });

  it('rejects an unusable dimension', () => {
    expect(() => createHashingEmbedder({ dimension: 0 })).toThrow(RangeError);
    expect(() => createHashingEmbedder({ dimension: 100.5 })).toThrow(/whole number/);
  });
});
