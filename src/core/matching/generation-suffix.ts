import type { GivenNameToken } from './normalize-name.js';

/**
 * The words that tell a father from a son who carries his whole name (ROBERTO and ROBERTO JR), each with
 * the generation it stands for: JR and JUNIOR are one son, SR and SENIOR one father. Folded forms.
 */
const GENERATION_SUFFIXES: ReadonlyMap<string, string> = new Map([
  ['JR', 'JR'],
  ['JUNIOR', 'JR'],
  ['SR', 'SR'],
  ['SENIOR', 'SR'],
  ['II', 'II'],
  ['III', 'III'],
]);

export interface GivenNamesAndGeneration {
  /** The given names without the suffix. */
  given: GivenNameToken[];
  /** `JR`, `SR`, `II`, `III`, or null when the name carries none. */
  generation: string | null;
  /** The suffix as written (JUNIOR, JR), to tell a spelling apart from the same word. */
  writtenAs: string | null;
}

/**
 * Separates a generational suffix from the given names. Only the last word, and never the only one: a
 * boy named JUNIOR (a given name in its own right in Latin America) stays JUNIOR.
 */
export function splitGeneration(tokens: readonly GivenNameToken[]): GivenNamesAndGeneration {
  const last = tokens[tokens.length - 1];
  const generation = last === undefined || tokens.length < 2 ? undefined : GENERATION_SUFFIXES.get(last.text);
  if (generation === undefined) return { given: [...tokens], generation: null, writtenAs: null };
  return { given: tokens.slice(0, -1), generation, writtenAs: last!.text };
}

/** Whether two lists of given names name different generations: one says JR (or SR) and the other not. */
export function differentGenerations(a: readonly GivenNameToken[], b: readonly GivenNameToken[]): boolean {
  return splitGeneration(a).generation !== splitGeneration(b).generation;
}
