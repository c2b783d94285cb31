import { FOLD_TABLE, FOLD_TABLE_END, foldChar, IGNORED } from './fold-char.js';
import { SPANISH_STOPWORDS } from './spanish-stopwords.js';
import type { Embedder } from './types.js';

export const HASHING_EMBEDDER_ID = 'hashing-v1';
export const DEFAULT_HASHING_DIMENSION = 512;

export interface HashingEmbedderOptions {
  /** Number of hash buckets. More buckets mean fewer collisions and larger vectors. Default 512. */
  dimension?: number;
}

/**
 * The embedded default: a local, deterministic, offline embedder that needs nothing installed.
 *
 * It is LEXICAL, NOT SEMANTIC. A text's vector is a signed feature-hashing of its accent-folded, lower-case
 * words (common Spanish function words left out), adjacent word pairs, and character trigrams of each word
 * (which let `diabetes` meet `diabético` and survive a typo). Counts are damped (log(1 + tf)) and the vector
 * is L2-normalised, so cosine distance measures shared vocabulary. It finds chunks that use the query's
 * words; it does not know that `infarto` and `IAM` mean the same thing. For semantic search configure an
 * OpenAI or Azure OpenAI embedder.
 *
 * Any change to the features, weights or hashing changes the vectors: bump HASHING_EMBEDDER_ID with it,
 * so that collections filled by the old version refuse the new one.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimension = options.dimension ?? DEFAULT_HASHING_DIMENSION;
  if (!Number.isInteger(dimension) || dimension < 8 || dimension > 8192) {
    throw new RangeError(
      `hashing embedder dimension must be a whole number from 8 to 8192, got ${dimension}`,
    );
  }
  return {
    id: HASHING_EMBEDDER_ID,
    dimension,
    embed: async (texts) => texts.map((text) => hashText(text, dimension)),
  };
}

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.25;

const WORD_SEED = 0x2545f491;
const PAIR_SEED = 0x68e31da4;
const TRIGRAM_SEED = 0x1b873593;
// As a signed 32-bit value (the same bits): 0x811c9dc5 itself is beyond int32, so a hash starting from it made
// the loop's word hash a double on every word's first character, and the loop 5 % slower (Math.imul and ^ read
// both as the same int32).
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Pseudo-characters that mark a word's start and end in its trigrams, as in `^di`, `es$`. */
const WORD_START = 1;
const WORD_END = 2;
const NO_CHAR = -1;
const MAX_PENDING_TRIGRAMS = 64;

const STOPWORD_HASHES = new Set(SPANISH_STOPWORDS.map(hashWord));
/** Longer words skip the set lookup. */
const MAX_STOPWORD_LENGTH = Math.max(...SPANISH_STOPWORDS.map((w) => w.length));

/** Trigrams of the current word wait here until the word is known not to be a stopword. */
const pending = new Int32Array(MAX_PENDING_TRIGRAMS);

/** Exported for tests and benchmarks; `embed` is the interface. One flat loop: this runs over every chunk. */
export function hashText(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  let pendingCount = 0;
  let wordHash = FNV_OFFSET;
  let wordLength = 0;
  let previousWord = 0;
  let hasPreviousWord = false;
  let c1 = NO_CHAR;
  let c2 = WORD_START;

  // One step past the end, with a separator, to close the last word.
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20;
    const c = code < FOLD_TABLE_END ? (FOLD_TABLE[code] ?? 0) : foldChar(code);
    if (c === IGNORED) continue;
    if (c !== 0) {
      wordHash = Math.imul(wordHash ^ c, FNV_PRIME);
      wordLength++;
      if (c1 !== NO_CHAR) {
        // Words this long are never stopwords: flush early, keeping a slot for the end-of-word trigram.
        if (pendingCount === MAX_PENDING_TRIGRAMS - 1) {
          addTrigrams(vector, pendingCount);
          pendingCount = 0;
        }
        pending[pendingCount++] = trigramHash(c1, c2, c);
      }
      c1 = c2;
      c2 = c;
      continue;
    }
    if (wordLength === 0) continue;
    if (wordLength > MAX_STOPWORD_LENGTH || !STOPWORD_HASHES.has(wordHash)) {
      pending[pendingCount++] = trigramHash(c1, c2, WORD_END);
      addTrigrams(vector, pendingCount);
      addFeature(vector, wordHash ^ WORD_SEED, WORD_WEIGHT);
      if (hasPreviousWord) {
        addFeature(vector, Math.imul(previousWord, 0x9e3779b1) ^ wordHash ^ PAIR_SEED, PAIR_WEIGHT);
      }
      previousWord = wordHash;
      hasPreviousWord = true;
    }
    pendingCount = 0;
    wordHash = FNV_OFFSET;
    wordLength = 0;
    c1 = NO_CHAR;
    c2 = WORD_START;
  }
  return dampAndNormalize(vector);
}

function addTrigrams(vector: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) addFeature(vector, (pending[i] ?? 0) ^ TRIGRAM_SEED, TRIGRAM_WEIGHT);
}

function hashWord(word: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), FNV_PRIME);
  return hash;
}

function trigramHash(a: number, b: number, c: number): number {
  return Math.imul(Math.imul(a, 0x01000193) ^ b, 0x01000193) ^ c;
}

/** murmur3's finaliser spreads the bits, so that bucket and sign come from independent-looking bits. */
function addFeature(vector: Float32Array, key: number, weight: number): void {
  let h = key;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // Multiply-shift instead of `%`: a float multiply is cheaper than an integer division in this hot path.
  const bucket = ((h >>> 1) * vector.length * 4.656612873077393e-10) | 0;
  vector[bucket] = (vector[bucket] ?? 0) + (h & 1 ? -weight : weight);
}

/**
 * Square-root damping keeps a word repeated twenty times from drowning the rest (log(1 + tf) damps more,
 * but costs a quarter of the embedder's time); then unit length, so that cosine distance is meaningful.
 */
function dampAndNormalize(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i] ?? 0;
    const damped = x > 0 ? Math.sqrt(x) : -Math.sqrt(-x);
    vector[i] = damped;
    sumOfSquares += damped * damped;
  }
  if (sumOfSquares === 0) return vector;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}
