import { givenNameFrequencyKey, surnameFrequencyKey } from './blocking-keys.js';
import type { NameKnowledge } from './compare-names.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from './name-dictionary.js';
import type { NormalizedName } from './normalize-name.js';
import type { TermFrequencies } from './types.js';

/** Counts lookups once per key: `count` may be a map lookup or something dearer. */
function memoizedCount(frequencies: TermFrequencies): (key: string) => number {
  const seen = new Map<string, number>();
  return (key) => {
    let value = seen.get(key);
    if (value === undefined) {
      value = Math.max(0, frequencies.count(key));
      seen.set(key, value);
    }
    return value;
  };
}

export interface NameStatistics {
  knowledge: NameKnowledge;
  /** Registry patients expected to carry this name by chance (independent-fields estimate). */
  expectedHomonyms: number;
}

/**
 * What the registry says about the query's words. Only the query's own `t:` keys are counted (the
 * keys `tokenFrequencyKeys(query)` returns), so a repository can fetch them before calling the matcher.
 */
export function describeNameFrequency(query: NormalizedName, frequencies: TermFrequencies): NameStatistics {
  const count = memoizedCount(frequencies);
  const total = Math.max(0, frequencies.totalPatients);
  // A word carried by a handful of patients is a name, not one clerk's slip; 1e-5 scales with registry size.
  const realNameCount = Math.max(3, Math.ceil(total * 1e-5));
  const knowledge: NameKnowledge = {
    isRealGivenName: (token) =>
      KNOWN_GIVEN_NAMES.has(token.text) || count(givenNameFrequencyKey(token.text)) >= realNameCount,
    isRealSurname: (surname) =>
      KNOWN_SURNAMES.has(surname.core) || count(surnameFrequencyKey(surname)) >= realNameCount,
  };
  let expectedHomonyms = 0;
  if (total > 0) {
    const share = (key: string) => Math.min(1, (count(key) + 0.5) / total);
    expectedHomonyms = total * share(surnameFrequencyKey(query.paterno));
    if (query.materno.core !== '') expectedHomonyms *= share(surnameFrequencyKey(query.materno));
    const first = query.given[0];
    if (first !== undefined) expectedHomonyms *= share(givenNameFrequencyKey(first.text));
  }
  return { knowledge, expectedHomonyms };
}
