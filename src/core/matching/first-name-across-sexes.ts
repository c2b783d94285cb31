import type { GivenNameToken } from './normalize-name.js';

/**
 * Compound given names whose first word marks the sex and whose second word, alone, is a name of the
 * other sex: JOSE MARIA is a man, MARIA alone a woman; MARIA JOSE and MARIA DE JESUS are women, JOSE and
 * JESUS alone men; JOSE DEL CARMEN and JOSE DE LA LUZ are men, CARMEN and LUZ women. Each pair is (the
 * first word, the word left when it is dropped), folded. GUADALUPE, ROSARIO, REFUGIO and TRINIDAD alone
 * are given to both sexes: dropping JOSE from them is the same person as often as not.
 */
const ACROSS_SEXES: ReadonlySet<string> = new Set([
  'JOSE MARIA',
  'MARIA JOSE',
  'MARIA JESUS',
  'TERESA JESUS',
  'TERESITA JESUS',
  'ANA JESUS',
  'JOSE CARMEN',
  'JOSE LUZ',
  'JOSE DOLORES',
  'JOSE CONCEPCION',
  'JOSE MERCEDES',
]);

/**
 * Whether one list of given names is the other with a sex-marking first word dropped (MARIA for JOSE
 * MARIA): nobody called José María goes by María, so the short name is far likelier a sister or a
 * brother than the same person with a name left out.
 */
export function dropsFirstNameAcrossSexes(
  a: readonly GivenNameToken[],
  b: readonly GivenNameToken[],
): boolean {
  if (a.length === b.length) return false;
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  const first = longer[0]?.text;
  const left = shorter[0]?.text;
  return first !== undefined && left !== undefined && ACROSS_SEXES.has(`${first} ${left}`);
}
