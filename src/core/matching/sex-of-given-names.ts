import type { GivenNameToken } from './normalize-name.js';

/**
 * First given words that say the person's sex whatever follows: MARIA GUADALUPE is a woman and JOSE
 * GUADALUPE a man, while GUADALUPE, ROSARIO, REFUGIO or TRINIDAD alone is given to both. Only as the first
 * word: JOSE MARIA is a man, MARIA JOSE a woman.
 */
const SEX_OF_FIRST_GIVEN_NAME: ReadonlyMap<string, 'F' | 'M'> = new Map([
  ['MARIA', 'F'],
  ['JOSE', 'M'],
]);

export interface SexContradiction {
  /** The filename's first given name, as written (MA for MARIA). */
  word: string;
  marked: 'F' | 'M';
  registered: 'F' | 'M';
}

/**
 * The filename's given names open with a word that marks a sex the registered patient's do not open with,
 * and the registry records the other sex (MA GUADALUPE on a man registered as GUADALUPE): the file names a
 * sister or a brother as likely as the patient, so the expediente alone cannot attach it. A registry
 * without the sex, or a registered name that opens with the same word, says nothing against the file.
 */
export function contradictsRegisteredSex(
  query: readonly GivenNameToken[],
  registered: readonly GivenNameToken[],
  registeredSex: string | null | undefined,
): SexContradiction | null {
  const first = query[0];
  // An initial (J.) may stand for any name with that letter: JUAN as well as JOSE.
  if (first === undefined || first.initial !== null) return null;
  const marked = SEX_OF_FIRST_GIVEN_NAME.get(first.text);
  if (marked === undefined || registered[0]?.text === first.text) return null;
  if (registeredSex !== 'F' && registeredSex !== 'M') return null;
  if (registeredSex === marked) return null;
  return { word: first.expandedFrom ?? first.text, marked, registered: registeredSex };
}

/** The candidate reason that says so, in words a records clerk reads (translated in ui/i18n). */
export function describeSexContradiction(contradiction: SexContradiction): string {
  const whose = contradiction.marked === 'F' ? "a woman's" : "a man's";
  return `sexo: registered ${contradiction.registered}, but the filename's ${contradiction.word} is ${whose} name`;
}
