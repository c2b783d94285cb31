import { sameWriting, type NormalizedName } from './normalize-name.js';
import type { FieldMatch, FieldMatchKind, NameComparison } from './types.js';

/** The words of each kind of field match in the reasons (exported for the screens that translate them). */
export const KIND_PHRASES: Record<FieldMatchKind, string> = {
  exact: 'same',
  abbreviation: 'abbreviation expanded',
  particle: 'particle written differently',
  enye_as_ni: 'Ñ written NI',
  phonetic: 'spelled differently, sounds the same',
  typo: 'one-letter typo',
  initial: 'initial',
  missing: 'missing on one side',
  dropped_name: 'a given name left out',
  split: 'surnames split differently',
  near: 'one letter off in a short name',
  gender: 'masculine/feminine form of the name',
  generation: 'another generation (JR/SR: father and son)',
  distinct_name: 'another real name one letter away',
  first_letter: 'another first letter',
  reordered: 'same names in another order',
  different: 'different',
};

// The abbreviation as written (`FCO`), not its expansion: shown expanded on both sides, the reason read
// "abbreviation expanded (FRANCISCO JAVIER vs FRANCISCO JAVIER)" and named no difference at all.
function givenText(name: NormalizedName): string {
  return name.given.map((token) => token.expandedFrom ?? token.text).join(' ');
}

/** Human-readable reasons for a name comparison, naming the words that differ. */
export function describeNameComparison(
  query: NormalizedName,
  candidate: NormalizedName,
  comparison: NameComparison,
): string[] {
  if (comparison.exact) {
    return sameWriting(query, candidate)
      ? ['name identical']
      : ['name identical after folding accents, Ñ and punctuation'];
  }
  const swapped = comparison.alignment === 'swapped';
  const reasons: string[] = [];
  if (swapped) reasons.push('surnames in swapped order');
  const fields: Array<[string, FieldMatch, string, string]> = [
    [
      'apellido paterno',
      comparison.fields.paterno,
      query.paterno.folded,
      (swapped ? candidate.materno : candidate.paterno).folded,
    ],
    [
      'apellido materno',
      comparison.fields.materno,
      query.materno.folded,
      (swapped ? candidate.paterno : candidate.materno).folded,
    ],
    ['nombres', comparison.fields.nombres, givenText(query), givenText(candidate)],
  ];
  for (const [label, field, queryText, candidateText] of fields) {
    if (field.kind === 'exact') continue;
    const shown = `${queryText || '∅'} vs ${candidateText || '∅'}`;
    reasons.push(`${label}: ${KIND_PHRASES[field.kind]} (${shown})`);
  }
  return reasons;
}
