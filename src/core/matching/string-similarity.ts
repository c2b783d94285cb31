import { distance as levenshteinDistance } from 'fastest-levenshtein';
import jaroWinklerDistance from 'jaro-winkler';

/** 1 − Levenshtein distance / longer length; 1 for two empty strings. */
export function levenshteinRatio(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - levenshteinDistance(a, b) / longer;
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  return jaroWinklerDistance(a, b);
}

/** Levenshtein ratio after sorting the words, so word order does not count. */
export function tokenSortRatio(a: string, b: string): number {
  return levenshteinRatio(sortWords(a), sortWords(b));
}

function sortWords(text: string): string {
  return text.split(' ').sort().join(' ');
}

/** Dice coefficient of the two word sets: 2·|A∩B| / (|A| + |B|). */
export function wordIntersection(a: string, b: string): number {
  const wordsA = new Set(a.split(' ').filter(Boolean));
  const wordsB = new Set(b.split(' ').filter(Boolean));
  if (wordsA.size + wordsB.size === 0) return 1;
  let shared = 0;
  for (const word of wordsA) if (wordsB.has(word)) shared++;
  return (2 * shared) / (wordsA.size + wordsB.size);
}

/**
 * True when `a` and `b` differ by exactly one keystroke: one substitution, insertion, deletion, or a
 * swap of two adjacent characters (Levenshtein counts a swap as two, but it is the commonest typo).
 */
export function isOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const lengthGap = a.length - b.length;
  if (lengthGap === 0) {
    let first = -1;
    let mismatches = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        if (mismatches === 0) first = i;
        if (++mismatches > 2) return false;
      }
    }
    if (mismatches === 1) return true;
    return a[first] === b[first + 1] && a[first + 1] === b[first];
  }
  if (lengthGap !== 1 && lengthGap !== -1) return false;
  const [longer, shorter] = lengthGap > 0 ? [a, b] : [b, a];
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  return longer.slice(i + 1) === shorter.slice(i);
}

/**
 * Similarity of two words that are not a light variant of each other, for ranking and for the
 * review/new boundary: the Levenshtein ratio alone. Jaro-Winkler is reported per candidate but kept out
 * of every decision, so its bonus for a shared prefix (GARCIA/GARZA, FRANCISCO/FRANCISCA) cannot lift a
 * pair anywhere — and it is the slowest of the signals.
 */
export function gradedSimilarity(a: string, b: string): number {
  return levenshteinRatio(a, b);
}
