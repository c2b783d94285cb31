import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../src/core/chunking/chunk-text.js';
import { joinChunks } from '../../../src/core/chunking/join-chunks.js';
import { normalizeText } from '../../../src/core/chunking/normalize-text.js';

const PARAGRAPH =
  'Paciente: GARZA TIJERINA, MARIA ESTHER. Expediente: 3000003799. Acude por dolor abdominal de tres días ' +
  'de evolución, sin fiebre; se solicita biometría hemática y química sanguínea.';

describe('joinChunks', () => {
  it('rebuilds the normalised text from overlapping chunks', () => {
    const text = Array.from({ length: 40 }, (_, i) => `${i}. ${PARAGRAPH}`).join('\n\n');
    for (const [chunkSize, overlap] of [
      [1000, 200],
      [300, 50],
      [120, 30],
    ] as const) {
      const chunks = chunkText(text, { chunkSize, overlap });
      expect(chunks.length).toBeGreaterThan(3);
      const rebuilt = joinChunks(chunks, { overlap });
      // Whitespace at chunk boundaries may differ (chunks are trimmed); the words are all there, in order.
      expect(rebuilt.replace(/\s+/g, ' ')).toBe(normalizeText(text).replace(/\s+/g, ' '));
    }
  });

  it('joins chunks without an overlap by line breaks', () => {
    expect(joinChunks(['uno dos', 'tres'], { overlap: 0 })).toBe('uno dos\ntres');
    expect(joinChunks([], { overlap: 200 })).toBe('');
    expect(joinChunks(['solo'], { overlap: 200 })).toBe('solo');
  });
});
