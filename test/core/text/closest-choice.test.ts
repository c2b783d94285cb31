import { describe, expect, it } from 'vitest';
import { closestChoice } from '../../../src/core/text/closest-choice.js';

describe('closestChoice', () => {
  it('finds a value written in another case, or with a typo', () => {
    expect(closestChoice('Chroma', ['embedded', 'chroma'])).toBe('chroma');
    expect(closestChoice('TESSERACT.JS', ['tesseract.js', 'tesseract'])).toBe('tesseract.js');
    expect(closestChoice('colection', ['db', 'collection', 'chroma'])).toBe('collection');
    expect(closestChoice('dbb', ['db', 'vectorStore'])).toBe('db');
  });

  it('between two choices as near, takes the one the value is written from (the Debian package tesseract-ocr)', () => {
    // Four edits from each: the native engine was the one meant, and the hint named the other.
    expect(closestChoice('tesseract-ocr', ['tesseract.js', 'tesseract'])).toBe('tesseract');
    expect(closestChoice('tesseractjs', ['tesseract.js', 'tesseract'])).toBe('tesseract.js');
    expect(closestChoice('tesseract.j', ['tesseract.js', 'tesseract'])).toBe('tesseract.js');
    expect(closestChoice('chromadb', ['embedded', 'chroma'])).toBe('chroma');
  });

  it('suggests nothing for a value that is not near any', () => {
    expect(closestChoice('pinecone', ['embedded', 'chroma'])).toBeNull();
    expect(closestChoice('language', ['mode', 'engine', 'processes'])).toBeNull();
  });
});
