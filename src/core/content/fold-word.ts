import { splitSurnames, type SplitSurnames } from '../filename/split-surnames.js';
import { foldText } from '../matching/fold-text.js';

/**
 * Memoised per word and per surname string: a batch's names are made of a few thousand words (GARCIA,
 * MARIA…) read again and again, and folding goes through Unicode normalisation. Plain bounds, as in
 * normalize-name.ts; results are shared and treated as immutable.
 */
const CACHE_LIMIT = 20_000;
const folded = new Map<string, string>();
const splits = new Map<string, SplitSurnames>();

/** One word as the dictionaries key it: upper case, no accents or punctuation, no spaces (`Ma.` → `MA`). */
export function foldWord(word: string): string {
  let result = folded.get(word);
  if (result === undefined) {
    result = foldText(word).replace(/ /g, '');
    if (folded.size >= CACHE_LIMIT) folded.clear();
    folded.set(word, result);
  }
  return result;
}

/** splitSurnames, remembered. */
export function splitSurnamesOnce(apellidos: string): SplitSurnames {
  let result = splits.get(apellidos);
  if (result === undefined) {
    result = splitSurnames(apellidos);
    if (splits.size >= CACHE_LIMIT) splits.clear();
    splits.set(apellidos, result);
  }
  return result;
}
