import { describe, expect, it } from 'vitest';
import {
  compareNames,
  isGenderPair,
  normalizeName,
  type NameKnowledge,
} from '../../../src/core/matching/index.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from '../../../src/core/matching/name-dictionary.js';
import type { FieldMatchKind, NameFields } from '../../../src/core/matching/types.js';

const dictionaryOnly: NameKnowledge = {
  isRealGivenName: (token) => KNOWN_GIVEN_NAMES.has(token.text),
  isRealSurname: (surname) => KNOWN_SURNAMES.has(surname.core),
};

function name(full: string): NameFields {
  // 'PATERNO / MATERNO / NOMBRES' keeps multi-word surnames unambiguous in tables.
  const [apellidoPaterno = '', apellidoMaterno = '', nombres = ''] = full
    .split('/')
    .map((part) => part.trim());
  return { apellidoPaterno, apellidoMaterno, nombres };
}

function compare(query: string, candidate: string) {
  return compareNames(normalizeName(name(query)), normalizeName(name(candidate)), dictionaryOnly);
}

type Field = 'paterno' | 'materno' | 'nombres';

describe('compareNames: light variants', () => {
  it.each<[string, string, string, Field | null, FieldMatchKind]>([
    ['identical', 'GARZA / TIJERINA / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', null, 'exact'],
    ['accents', 'MARTINEZ / LOPEZ / JOSE', 'MARTÍNEZ / LÓPEZ / JOSÉ', null, 'exact'],
    ['Ñ ≈ N', 'PENA / NUNEZ / ANA', 'PEÑA / NÚÑEZ / ANA', null, 'exact'],
    [
      'MA. → MARIA',
      'GARZA / TIJERINA / MA. ESTHER',
      'GARZA / TIJERINA / MARIA ESTHER',
      'nombres',
      'abbreviation',
    ],
    [
      'GPE → GUADALUPE',
      'LEAL / CANTU / MARIA GPE',
      'LEAL / CANTU / MARIA GUADALUPE',
      'nombres',
      'abbreviation',
    ],
    [
      'FCO → FRANCISCO',
      'SOTO / LARA / FCO JAVIER',
      'SOTO / LARA / FRANCISCO JAVIER',
      'nombres',
      'abbreviation',
    ],
    ['J. → JOSE', 'SOTO / LARA / J. LUIS', 'SOTO / LARA / JOSE LUIS', 'nombres', 'abbreviation'],
    ['GZZ → GONZALEZ', 'GZZ / LARA / ANA', 'GONZALEZ / LARA / ANA', 'paterno', 'abbreviation'],
    ['particle dropped', 'GARZA / TREVINO / PEDRO', 'DE LA GARZA / TREVINO / PEDRO', 'paterno', 'particle'],
    [
      'particle joined',
      'DELAGARZA / TREVINO / PEDRO',
      'DE LA GARZA / TREVINO / PEDRO',
      'paterno',
      'particle',
    ],
    ['S/Z spelling', 'GONSALEZ / LARA / ANA', 'GONZALEZ / LARA / ANA', 'paterno', 'phonetic'],
    ['B/V spelling', 'BARGAS / LARA / ANA', 'VARGAS / LARA / ANA', 'paterno', 'phonetic'],
    [
      'typo, substitution',
      'GARZA / TIJERIMA / MARIA ESTHER',
      'GARZA / TIJERINA / MARIA ESTHER',
      'materno',
      'typo',
    ],
    [
      'typo, deletion',
      'GARZA / TIJERINA / MARIA ESTER',
      'GARZA / TIJERINA / MARIA ESTHER',
      'nombres',
      'phonetic',
    ],
    ['typo, swap', 'GARZA / TIJERINA / MRAIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'nombres', 'typo'],
    ['typo in a 4-letter name', 'SOTO / LARA / JAUN', 'SOTO / LARA / JUAN', 'nombres', 'typo'],
    ['final A dropped by mistake', 'SOTO / LARA / MARGARIT', 'SOTO / LARA / MARGARITA', 'nombres', 'typo'],
    [
      'typo that sounds like another surname',
      'ALVAREZ / BEERRA / EVA',
      'ALVAREZ / BECERRA / EVA',
      'materno',
      'typo',
    ],
    ['missing materno', 'GARZA / / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER', 'materno', 'missing'],
    ['registry lacks materno', 'GARZA / TIJERINA / MARIA', 'GARZA / / MARIA', 'materno', 'missing'],
    [
      '2nd given name dropped',
      'GARZA / TIJERINA / MARIA',
      'GARZA / TIJERINA / MARIA ESTHER',
      'nombres',
      'dropped_name',
    ],
    [
      '1st given name dropped',
      'GARZA / TIJERINA / GUADALUPE',
      'GARZA / TIJERINA / MARIA GUADALUPE',
      'nombres',
      'dropped_name',
    ],
    ['initial of 2nd name', 'SOTO / LARA / JUAN C.', 'SOTO / LARA / JUAN CARLOS', 'nombres', 'initial'],
  ])('%s: %s ~ %s', (_label, query, candidate, field, kind) => {
    const result = compare(query, candidate);
    expect(result.light).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(0.9);
    if (field === null) expect(result.exact).toBe(true);
    else expect(result.fields[field].kind).toBe(kind);
  });

  it('recognises swapped surnames', () => {
    const result = compare('TIJERINA / GARZA / MARIA ESTHER', 'GARZA / TIJERINA / MARIA ESTHER');
    expect(result).toMatchObject({ alignment: 'swapped', light: true, exact: false });
    expect(result.score).toBeCloseTo(0.97);
  });

  it('does not call unrelated surnames swapped: the pairs compared are paterno with paterno', () => {
    for (const [query, candidate] of [
      ['DEL ANGEL / GUERRERO / SANTIAGO', 'LUNA / TORRES / ROGELIO ARTURO'],
      ['GONZALEZ / SANDOVAL / MARTHA', 'SOTO / DE LA TORRE / LUCIA'],
    ] as const) {
      const result = compare(query, candidate);
      expect(result.alignment, `${query} ~ ${candidate}`).toBe('straight');
      expect(result.fields.paterno.kind).toBe('different');
    }
  });

  it('recognises surnames the registry stored as one paterno', () => {
    const result = compare('GARZA / TIJERINA / MARIA', 'GARZA TIJERINA / / MARIA');
    expect(result).toMatchObject({ alignment: 'merged_surnames', light: true });
  });
});

describe('compareNames: different people', () => {
  it.each<[string, string, string, Field, FieldMatchKind]>([
    ['FRANCISCO/FRANCISCA', 'LOPEZ / SOTO / FRANCISCA', 'LOPEZ / SOTO / FRANCISCO', 'nombres', 'gender'],
    ['JUAN/JUANA', 'LOPEZ / SOTO / JUANA', 'LOPEZ / SOTO / JUAN', 'nombres', 'gender'],
    ['GABRIEL/GABRIELA', 'LOPEZ / SOTO / GABRIELA', 'LOPEZ / SOTO / GABRIEL', 'nombres', 'gender'],
    ['GARCIA/GARZA', 'GARCIA / SOTO / PEDRO', 'GARZA / SOTO / PEDRO', 'paterno', 'different'],
    ['RAUL/SAUL, both real names', 'LOPEZ / SOTO / SAUL', 'LOPEZ / SOTO / RAUL', 'nombres', 'distinct_name'],
    ['MARIO/DARIO', 'LOPEZ / SOTO / DARIO', 'LOPEZ / SOTO / MARIO', 'nombres', 'distinct_name'],
    ['ROSA/ROSAS', 'ROSA / SOTO / PEDRO', 'ROSAS / SOTO / PEDRO', 'paterno', 'distinct_name'],
    [
      'DANIA/TANIA, a rhyme no dictionary lists',
      'LOPEZ / SOTO / DANIA',
      'LOPEZ / SOTO / TANIA',
      'nombres',
      'first_letter',
    ],
    ['sibling', 'LOPEZ / SOTO / PEDRO', 'LOPEZ / SOTO / PABLO', 'nombres', 'different'],
    [
      'initial for the first name',
      'LOPEZ / SOTO / J. CARLOS',
      'LOPEZ / SOTO / JUAN CARLOS',
      'nombres',
      'initial',
    ],
    [
      'given names reordered',
      'LOPEZ / SOTO / CARLOS JUAN',
      'LOPEZ / SOTO / JUAN CARLOS',
      'nombres',
      'reordered',
    ],
  ])('%s is not a light variant', (_label, query, candidate, field, kind) => {
    const result = compare(query, candidate);
    expect(result.light).toBe(false);
    expect(result.fields[field].kind).toBe(kind);
  });

  it("keeps Jaro-Winkler's prefix bonus out of the score", () => {
    // Jaro-Winkler rates both pairs above 0.9; the structural score must not.
    expect(compare('GARCIA / SOTO / PEDRO', 'GARZA / SOTO / PEDRO').score).toBeLessThan(0.8);
    expect(compare('LOPEZ / SOTO / FRANCISCA', 'LOPEZ / SOTO / FRANCISCO').score).toBeLessThanOrEqual(0.6);
  });

  it('scores a stranger low', () => {
    expect(compare('IBARRA / SALAS / ROCIO', 'GARZA / TIJERINA / MARIA ESTHER').score).toBeLessThan(0.3);
  });

  it('treats a typo as a different name once the registry knows the word as a name', () => {
    const registryKnowsEsthar: NameKnowledge = { ...dictionaryOnly, isRealGivenName: () => true };
    const q = normalizeName(name('GARZA / TIJERINA / MARIA ESTHAR'));
    const c = normalizeName(name('GARZA / TIJERINA / MARIA ESTHER'));
    expect(compareNames(q, c, dictionaryOnly).light).toBe(true);
    expect(compareNames(q, c, registryKnowsEsthar).fields.nombres.kind).toBe('distinct_name');
  });
});

describe('isGenderPair', () => {
  it.each([
    ['FRANCISCO', 'FRANCISCA', true],
    ['ANTONIA', 'ANTONIO', true],
    ['JUAN', 'JUANA', true],
    ['LUISA', 'LUIS', true],
    ['MARIO', 'MARIA', true],
    ['JUANA', 'JUAN', true],
    ['JUAN', 'JUAN', false],
    ['ROSA', 'ROSAS', false],
    ['ANDRES', 'ANDREA', false],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(isGenderPair(a, b)).toBe(expected);
  });

  it('takes a final A dropped from a registered name as a slip when the filename’s word is no name', () => {
    expect(isGenderPair('MARGARIT', 'MARGARITA', () => false)).toBe(false);
    expect(isGenderPair('JUAN', 'JUANA', () => true)).toBe(true);
    // The registry's word is somebody's name, so an A added to it always changes the person.
    expect(isGenderPair('JUANA', 'JUAN', () => false)).toBe(true);
  });
});
