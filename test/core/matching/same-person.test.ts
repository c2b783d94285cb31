import { describe, expect, it } from 'vitest';
import {
  isClearlyAnotherPerson,
  judgeSamePerson,
  shareNoSurname,
  type PersonJudgement,
} from '../../../src/core/matching/same-person.js';
import type { NameFields } from '../../../src/core/matching/types.js';

/** 'PATERNO / MATERNO / NOMBRES', as in compare-names.test.ts. */
function name(full: string): NameFields {
  const [apellidoPaterno = '', apellidoMaterno = '', nombres = ''] = full.split('/').map((p) => p.trim());
  return { apellidoPaterno, apellidoMaterno, nombres };
}

type Row = [label: string, a: string, b: string, expected: PersonJudgement];

const ROWS: Row[] = [
  // The same person, written two ways.
  ['identical', 'GARZA / TIJERINA / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'same'],
  ['accents and case', 'Garza / Tijerina / María Esther', 'GARZA / TIJERINA / MARIA ESTHER', 'same'],
  ['Ñ', 'PENA / NUNEZ / ANA', 'PEÑA / NÚÑEZ / ANA', 'same'],
  ['Ñ written NI', 'PENIA / NUNIEZ / ANA', 'PEÑA / NÚÑEZ / ANA', 'same'],
  [
    'issue 14: a letter moved and a vowel changed',
    'HUERTA / SOTA / GRABIELA',
    'HUERTA / SOTO / GABRIELA',
    'same',
  ],
  [
    'one-letter typo in a surname',
    'GARZA / TIJERNIA / MARIA ESTHER',
    'GARZA / TIJERINA / MARIA ESTHER',
    'same',
  ],
  ['two slips in a long surname', 'VILLAREAL / CANTU / JORGE', 'VILLARREAL / CANTU / JORGE', 'same'],
  ['missing second surname', 'GARZA /  / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'same'],
  [
    'missing second surname, other side',
    'GARZA / TIJERINA / MARIA ESTHER',
    'GARZA /  / MARIA ESTHER',
    'same',
  ],
  ['dropped first given name', 'CAVAZOS / LEAL / GUADALUPE', 'CAVAZOS / LEAL / MARIA GUADALUPE', 'same'],
  ['dropped second given name', 'CAVAZOS / LEAL / MARIA', 'CAVAZOS / LEAL / MARIA GUADALUPE', 'same'],
  ['abbreviation', 'CAVAZOS / LEAL / MA. GUADALUPE', 'CAVAZOS / LEAL / MARIA GUADALUPE', 'same'],
  ['initial', 'DE LA GARZA / TREVIÑO / F. JAVIER', 'DE LA GARZA / TREVIÑO / FRANCISCO JAVIER', 'same'],
  ['particle dropped', 'GARZA / TREVIÑO / FRANCISCO', 'DE LA GARZA / TREVIÑO / FRANCISCO', 'same'],
  ['surnames swapped', 'TIJERINA / GARZA / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'same'],
  ['surnames run together', 'GARZA TIJERINA /  / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'same'],
  ['given names reordered', 'LOPEZ / RUIZ / LUIS JOSE', 'LOPEZ / RUIZ / JOSE LUIS', 'same'],
  [
    'a final A dropped from a word that is no name',
    'LOPEZ / RUIZ / MARGARIT',
    'LOPEZ / RUIZ / MARGARITA',
    'same',
  ],
  ['sounds the same', 'GONSALES / BASQUEZ / ROSIO', 'GONZALEZ / VAZQUEZ / ROCIO', 'same'],
  ['JR spelt out', 'TREVIÑO / CANTU / ROBERTO JUNIOR', 'TREVIÑO / CANTU / ROBERTO JR.', 'same'],

  // Clearly another person: the given names differ and a surname differs.
  ['a stranger', 'ZAMBRANO / QUIROGA / ULISES', 'GARZA / TIJERINA / MARIA ESTHER', 'another'],
  ['another registry patient', 'IBARRA / SALAS / ROCIO', 'GARZA / TIJERINA / MARIA ESTHER', 'another'],
  [
    'same paterno, another materno and given name',
    'GARZA / LOPEZ / PEDRO',
    'GARZA / TIJERINA / MARIA ESTHER',
    'another',
  ],
  [
    'the other sex’s form of the name and other surnames',
    'PEREZ / RUIZ / JUANA',
    'GARCIA / LOPEZ / JUAN',
    'another',
  ],
  ['single surnames, both different', 'SOTO /  / ANA', 'GARZA /  / LUIS', 'another'],

  // Between the two: not the same name, but not proof of another person either.
  [
    'sibling on the same surnames',
    'GARZA / TIJERINA / PEDRO',
    'GARZA / TIJERINA / MARIA ESTHER',
    'uncertain',
  ],
  ['brother and sister', 'GARCIA / LOPEZ / JUANA', 'GARCIA / LOPEZ / JUAN', 'uncertain'],
  [
    'FRANCISCA for FRANCISCO',
    'DE LA GARZA / TREVIÑO / FRANCISCA JAVIER',
    'DE LA GARZA / TREVIÑO / FRANCISCO JAVIER',
    'uncertain',
  ],
  ['two real names a letter apart', 'GARCIA / LOPEZ / MARTA', 'GARCIA / LOPEZ / MARIA', 'uncertain'],
  [
    'brothers sharing a first name',
    'GARCIA / LOPEZ / JUAN PABLO',
    'GARCIA / LOPEZ / JUAN CARLOS',
    'uncertain',
  ],
  [
    'same given names, both surnames different',
    'LOPEZ / SOTO / MARIA ESTHER',
    'GARZA / TIJERINA / MARIA ESTHER',
    'uncertain',
  ],
  ['father and son', 'TREVIÑO / CANTU / ROBERTO JR', 'TREVIÑO / CANTU / ROBERTO', 'uncertain'],
  [
    'brother and sister, JOSE MARIA and MARIA',
    'GARZA / LEAL / MARIA',
    'GARZA / LEAL / JOSE MARIA',
    'uncertain',
  ],
  ['JR and SR', 'TREVIÑO / CANTU / ROBERTO JR', 'TREVIÑO / CANTU / ROBERTO SR', 'uncertain'],
  ['married name', 'GARZA / DE LOPEZ / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'uncertain'],
  ['two real surnames a letter apart', 'ROSA / GARZA / ANA', 'ROSAS / GARZA / ANA', 'uncertain'],
  [
    'given names differ by one real name, other surnames',
    'PEREZ / RUIZ / MARTA',
    'GARCIA / LOPEZ / MARIA',
    'uncertain',
  ],
];

describe('judgeSamePerson', () => {
  it.each(ROWS)('%s', (_label, a, b, expected) => {
    expect(judgeSamePerson(name(a), name(b))).toBe(expected);
  });

  it.each(ROWS)('is symmetric: %s', (_label, a, b) => {
    expect(judgeSamePerson(name(b), name(a))).toBe(judgeSamePerson(name(a), name(b)));
  });

  it('reads names with no given names as unknown, never as another person', () => {
    expect(judgeSamePerson(name('GARZA / TIJERINA / '), name('SOTO / LEAL / ANA'))).toBe('uncertain');
  });
});

describe('isClearlyAnotherPerson', () => {
  it('fires only when the given names and a surname both differ', () => {
    for (const [, a, b, expected] of ROWS) {
      expect(isClearlyAnotherPerson(name(a), name(b))).toBe(expected === 'another');
    }
  });

  it('keeps the id-conflict banner off for a typo on the right expediente (issue 14)', () => {
    expect(isClearlyAnotherPerson(name('HUERTA / SOTA / GRABIELA'), name('HUERTA / SOTO / GABRIELA'))).toBe(
      false,
    );
  });
});

describe('shareNoSurname', () => {
  it.each([
    ['REYES / MARTINEZ / JORGE', 'ACOSTA / MORALES / JORGE', true],
    ['SAENZ / DE LA TORRE / ISAAC', 'GALVAN / MORALES / ISAAC', true],
    ['CASTILLO / BAUTISTA / JOSEFINA', 'RAMIREZ / LOPEZ / JOSEFINA', true],
    // One surname kept (a married name, a child re-registered), a slip, swapped, cut elsewhere, or none written.
    ['REYES / MARTINEZ / JORGE', 'MARTINEZ / GARCIA / JORGE', false],
    ['REYES / MARTINEZ / JORGE', 'REYEZ / MARTINES / JORGE', false],
    ['REYES / MARTINEZ / JORGE', 'MARTINEZ / REYES / JORGE', false],
    ['DE LA GARZA / TREVIÑO / JUAN', 'DELAGARZA / TREVINO / JUAN', false],
    ['REYES / MARTINEZ / JORGE', ' /  / JORGE', false],
  ])('%s and %s: %s, both ways round', (a, b, expected) => {
    expect(shareNoSurname(name(a), name(b))).toBe(expected);
    expect(shareNoSurname(name(b), name(a))).toBe(expected);
  });
});
