import { describe, expect, it } from 'vitest';

import { chunkText, InvalidChunkOptionsError } from '../../../src/core/chunking/chunk-text.js';

const SENTENCE = 'El paciente refiere dolor abdominal leve desde hace tres días.';

function paragraphs(count: number, sentencesEach: number): string {
  return Array.from({ length: count }, (_, p) =>
    Array.from({ length: sentencesEach }, (_, s) => `Párrafo ${p} frase ${s}: ${SENTENCE}`).join(' '),
  ).join('\n\n');
}

/** The longest suffix of `a` that is a prefix of `b`. */
function overlapLength(a: string, b: string): number {
  for (let n = Math.min(a.length, b.length); n > 0; n--) if (a.endsWith(b.slice(0, n))) return n;
  return 0;
}

describe('chunkText', () => {
  it('gives no chunks for empty or whitespace-only text', () => {
    expect(chunkText('')).toEqual([]);
    expect(chunkText(' \n\n\t \r\n ')).toEqual([]);
  });

  it('returns short text as one normalised chunk', () => {
    expect(chunkText('  Hola\tmundo  \r\n\r\n\r\n\r\nsegunda   línea ')).toEqual([
      'Hola mundo\n\nsegunda línea',
    ]);
  });

  it('keeps every chunk within the size, non-empty and trimmed', () => {
    const text = paragraphs(30, 4);
    for (const chunkSize of [100, 250, 1000]) {
      const chunks = chunkText(text, { chunkSize, overlap: Math.floor(chunkSize / 5) });
      expect(chunks.length).toBeGreaterThan(1);
      for (const chunk of chunks) {
        expect(chunk.length).toBeGreaterThan(0);
        expect(chunk.length).toBeLessThanOrEqual(chunkSize);
        expect(chunk).toBe(chunk.trim());
      }
    }
  });

  it('uses 1000 characters with 200 overlap by default', () => {
    const text = paragraphs(40, 5);
    const chunks = chunkText(text);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1000);
    expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(500);
    for (let i = 1; i < chunks.length; i++) {
      const overlap = overlapLength(chunks[i - 1] ?? '', chunks[i] ?? '');
      expect(overlap).toBeGreaterThan(100);
      expect(overlap).toBeLessThanOrEqual(200);
    }
  });

  it('covers the whole text: every word appears in some chunk, in order', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `palabra${i}`);
    const chunks = chunkText(words.join(' '), { chunkSize: 300, overlap: 60 });
    const seen = chunks.flatMap((c) => c.split(' '));
    const unique = [...new Set(seen)];
    expect(unique).toEqual(words);
  });

  it('breaks at a paragraph boundary when one falls in the second half of the window', () => {
    const first = 'a'.repeat(10) + ' ' + 'Primera sección con texto. '.repeat(25).trim(); // ~685 chars
    const second = 'Segunda sección con texto distinto. '.repeat(30).trim();
    const chunks = chunkText(`${first}\n\n${second}`, { chunkSize: 1000, overlap: 0 });
    expect(chunks[0]).toBe(first);
    expect(chunks[1]?.startsWith('Segunda sección')).toBe(true);
  });

  it('prefers a line break to a sentence end, and a sentence end to a space', () => {
    const line = 'Línea uno con varias palabras. Y otra frase'.padEnd(70, ' x');
    const text = `${line}\n${'y '.repeat(40)}`;
    expect(chunkText(text, { chunkSize: 100, overlap: 0 })[0]).toBe(line.trim());

    const sentences = 'Primera frase completa aquí. Segunda frase que sigue y sigue sin terminar nunca jamás';
    expect(chunkText(sentences, { chunkSize: 50, overlap: 0 })[0]).toBe('Primera frase completa aquí.');
  });

  it('starts the overlap at the beginning of a word', () => {
    const chunks = chunkText(paragraphs(10, 5), { chunkSize: 300, overlap: 80 });
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1] ?? '';
      const overlap = overlapLength(previous, chunks[i] ?? '');
      expect(overlap).toBeGreaterThan(0);
      expect(previous.charAt(previous.length - overlap - 1)).toMatch(/\s/);
    }
  });

  it('cuts words longer than the window and still overlaps', () => {
    const word = 'x'.repeat(2500);
    const chunks = chunkText(word, { chunkSize: 1000, overlap: 200 });
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 900]);
    expect(chunks.join('').length).toBe(2900);
  });

  it('handles a long word among ordinary ones', () => {
    const text = `inicio ${'y'.repeat(1500)} final del texto`;
    const chunks = chunkText(text, { chunkSize: 500, overlap: 100 });
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(500);
    expect(chunks[0]?.startsWith('inicio')).toBe(true);
    expect(chunks.at(-1)?.endsWith('final del texto')).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(600);
    const chunks = chunkText(text, { chunkSize: 101, overlap: 21 });
    for (const chunk of chunks) expect(chunk).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('terminates with tiny windows and zero overlap', () => {
    expect(chunkText('abc def', { chunkSize: 1, overlap: 0 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(chunkText('abcdef', { chunkSize: 2, overlap: 1 })).toEqual(['ab', 'bc', 'cd', 'de', 'ef']);
  });

  it('rejects invalid options with a clear error', () => {
    expect(() => chunkText('x', { chunkSize: 100, overlap: 100 })).toThrow(InvalidChunkOptionsError);
    expect(() => chunkText('x', { chunkSize: 100, overlap: 150 })).toThrow(
      'chunk overlap (150) must be smaller than the chunk size (100)',
    );
    expect(() => chunkText('x', { chunkSize: 0 })).toThrow(/chunk size must be a positive whole number/);
    expect(() => chunkText('x', { chunkSize: 10.5, overlap: 1 })).toThrow(InvalidChunkOptionsError);
    expect(() => chunkText('x', { chunkSize: 10, overlap: -1 })).toThrow(/overlap/);
  });

  it('is deterministic', () => {
    const text = paragraphs(12, 3);
    expect(chunkText(text)).toEqual(chunkText(text));
  });
});
