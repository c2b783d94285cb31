import { foldAccents } from './fold-accents.js';

export interface SplitSurnames {
  apellidoPaterno: string;
  /** Empty when there is a single surname. */
  apellidoMaterno: string;
}

/**
 * Words that belong to the surname that follows them (DE LA GARZA, DEL RIO, SAN MARTIN, VAN DER BERG).
 * Spanish particles come first; the few Italian, Portuguese, French, Dutch, German and Scottish ones are
 * there because those surnames are registered in Mexico too (DI COSTANZO, DA SILVA, MC GREGOR).
 * Matched with accents folded, as whole words.
 */
export const SURNAME_PARTICLES: ReadonlySet<string> = new Set([
  'DE',
  'DEL',
  'LA',
  'LAS',
  'LOS',
  'SAN',
  'SANTA',
  'SANTO',
  'DA',
  'DAS',
  'DI',
  'DO',
  'DOS',
  'DU',
  'LE',
  'VAN',
  'VON',
  'DER',
  'DEN',
  'MC',
  'MAC',
]);

/**
 * Well-known compound surnames whose first word is not a particle, so the particle rule alone would cut
 * them after the first word (PONCE | DE LEON). Only compounds that a Mexican registrar would treat as one
 * surname almost without exception are listed; an ambiguous pair such as GARCIA DE ALBA is left to the
 * general rule. Compounds that start with a particle (SAN MARTIN, SANTA ANNA, DE LOS SANTOS) need no
 * entry: the particle rule already keeps them whole.
 */
export const COMPOUND_SURNAMES: readonly string[] = [
  'PONCE DE LEON',
  'MONTES DE OCA',
  'DIAZ DE LEON',
  'RUIZ DE VELASCO',
  'FERNANDEZ DE CORDOBA',
  'FERNANDEZ DE CORDOVA',
  'SANCHEZ DE TAGLE',
  'ROMERO DE TERREROS',
  'LOPEZ DE SANTA ANNA',
  'LOPEZ DE SANTA ANA',
];

const COMPOUND_WORDS: readonly (readonly string[])[] = COMPOUND_SURNAMES.map((compound) =>
  compound.split(' '),
)
  // Longest first, so LOPEZ DE SANTA ANNA wins over any shorter compound sharing its start.
  .sort((a, b) => b.length - a.length);

/** Joins two surnames explicitly (LOPEZ PORTILLO Y PACHECO, ORTEGA Y GASSET). */
export const SURNAME_CONNECTOR = 'Y';

/**
 * Splits normalised surnames (uppercase, single spaces) into paterno and materno the way a Mexican
 * registrar reads them:
 * - an explicit `Y` between surnames is the boundary, and is not part of either surname;
 * - otherwise the paterno is the first surname: any particles plus the word they lead to
 *   (DE LA GARZA, DEL RIO), or a known compound (PONCE DE LEON), and the materno is everything after it.
 *   With three or more surnames the first one is still the paterno: the father's surname is the
 *   strongest key for matching, and what trails it is most often a compound materno or a married
 *   name (GARZA TIJERINA DE LOPEZ), not a compound paterno.
 */
export function splitSurnames(apellidos: string): SplitSurnames {
  const words = apellidos.split(' ').filter((word) => word !== '');
  const connector = words.findIndex(
    (word, index) => index > 0 && index < words.length - 1 && foldAccents(word) === SURNAME_CONNECTOR,
  );
  if (connector > 0) {
    return {
      apellidoPaterno: words.slice(0, connector).join(' '),
      apellidoMaterno: words.slice(connector + 1).join(' '),
    };
  }
  const paternoLength = firstSurnameLength(words);
  return {
    apellidoPaterno: words.slice(0, paternoLength).join(' '),
    apellidoMaterno: words.slice(paternoLength).join(' '),
  };
}

/** How many words the first surname takes. */
function firstSurnameLength(words: readonly string[]): number {
  const folded = words.map(foldAccents);
  const compound = COMPOUND_WORDS.find(
    (compoundWords) =>
      compoundWords.length <= folded.length && compoundWords.every((word, index) => folded[index] === word),
  );
  if (compound) return compound.length;
  let length = 0;
  while (length < folded.length - 1 && SURNAME_PARTICLES.has(folded[length] ?? '')) length += 1;
  // Particles with no word after them (a name that is all particles) stay together as one surname.
  return Math.min(length + 1, words.length);
}
