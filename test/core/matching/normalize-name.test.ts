import { describe, expect, it } from 'vitest';
import {
  foldText,
  normalizeGivenNames,
  normalizeName,
  normalizeSurname,
  phoneticCode,
} from '../../../src/core/matching/index.js';

describe('foldText', () => {
  it.each([
    ['Treviño', 'TREVINO'],
    ['MARTÍNEZ', 'MARTINEZ'],
    ['MARTI\u0301NEZ', 'MARTINEZ'], // decomposed accent, as macOS writes it
    ['Mª DEL CARMEN', 'MA DEL CARMEN'],
    ['MA.DEL  CARMEN', 'MA DEL CARMEN'],
    ["D'ACOSTA", 'DACOSTA'],
    ['GARZA-TIJERINA', 'GARZA TIJERINA'],
    ['  GÜEMES ', 'GUEMES'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });
});

describe('normalizeSurname', () => {
  it('keeps a particle-free core and a run-together form', () => {
    expect(normalizeSurname('DE LA GARZA')).toMatchObject({
      folded: 'DE LA GARZA',
      core: 'GARZA',
      joined: 'DELAGARZA',
      hasParticles: true,
    });
    expect(normalizeSurname('DELAGARZA')).toMatchObject({
      core: 'DELAGARZA',
      joined: 'DELAGARZA',
      hasParticles: false,
    });
    expect(normalizeSurname('Del Río')).toMatchObject({ core: 'RIO', joined: 'DELRIO' });
  });

  it('expands Monterrey surname abbreviations', () => {
    expect(normalizeSurname('GZZ')).toMatchObject({ core: 'GONZALEZ', abbreviated: true });
    expect(normalizeSurname('HDZ.')).toMatchObject({ core: 'HERNANDEZ', abbreviated: true });
  });

  it('leaves an empty surname empty', () => {
    expect(normalizeSurname('  ')).toMatchObject({ core: '', joined: '' });
  });

  it('keeps a surname made only of particles instead of erasing it', () => {
    expect(normalizeSurname('DE LA').core).toBe('DELA');
  });
});

describe('normalizeGivenNames', () => {
  const texts = (nombres: string) => normalizeGivenNames(nombres).map((t) => t.text);

  it.each([
    ['MA. DEL CARMEN', ['MARIA', 'CARMEN']],
    ['MA DE LOURDES', ['MARIA', 'LOURDES']],
    ['Mª GUADALUPE', ['MARIA', 'GUADALUPE']],
    ['MARÍA DE LOS ÁNGELES', ['MARIA', 'ANGELES']],
    ['JOSE MA.', ['JOSE', 'MARIA']],
    ['J. LUIS', ['JOSE', 'LUIS']],
    ['FCO. JAVIER', ['FRANCISCO', 'JAVIER']],
    ['GPE', ['GUADALUPE']],
    ['JUAN DE DIOS', ['JUAN', 'DIOS']],
    ['JESUS', ['JESUS']], // a real name, never expanded
    ['LUZ MARIA', ['LUZ', 'MARIA']],
  ])('%j → %j', (input, expected) => {
    expect(texts(input)).toEqual(expected);
  });

  it('remembers that J. was an initial and what was abbreviated', () => {
    const [jose, luis] = normalizeGivenNames('J. LUIS');
    expect(jose).toMatchObject({ text: 'JOSE', initial: 'J', expandedFrom: 'J' });
    expect(luis).toMatchObject({ text: 'LUIS', initial: null, expandedFrom: null });
    expect(normalizeGivenNames('C.')[0]).toMatchObject({ text: 'C', initial: 'C' });
  });
});

describe('phoneticCode', () => {
  it.each([
    ['GONZALEZ', 'GONSALEZ'],
    ['VAZQUEZ', 'VASQUEZ'],
    ['VAZQUEZ', 'BAZQUEZ'],
    ['JIMENEZ', 'GIMENEZ'],
    ['HERNANDEZ', 'ERNANDEZ'],
    ['LLAMAS', 'YAMAS'],
    ['CARRILLO', 'CARILLO'],
    ['CERVANTES', 'SERVANTES'],
    ['GUERRERO', 'GUERERO'],
    ['GUILLERMO', 'GUIYERMO'],
    ['REY', 'REI'],
  ])('%s sounds like %s', (a, b) => {
    expect(phoneticCode(a)).toBe(phoneticCode(b));
  });

  it.each([
    ['GARCIA', 'GARZA'],
    ['GUERRERO', 'JERRERO'], // GUE is a hard G, GE is a J
    ['CHAVEZ', 'CAVEZ'],
    ['FRANCISCO', 'FRANCISCA'],
    ['ROSA', 'ROSAS'],
  ])('%s does not sound like %s', (a, b) => {
    expect(phoneticCode(a)).not.toBe(phoneticCode(b));
  });
});

describe('normalizeName', () => {
  it('is memoised and gives the same result for the same text', () => {
    const a = normalizeName({
      apellidoPaterno: 'GARZA',
      apellidoMaterno: 'TIJERINA',
      nombres: 'MARIA ESTHER',
    });
    const b = normalizeName({
      apellidoPaterno: 'GARZA',
      apellidoMaterno: 'TIJERINA',
      nombres: 'MARIA ESTHER',
    });
    expect(b).toBe(a);
    expect(a.key).toBe('GARZA TIJERINA MARIA ESTHER');
  });

  it('folds accents and abbreviations into one key', () => {
    const written = normalizeName({
      apellidoPaterno: 'DE LA GARZA',
      apellidoMaterno: 'TREVIÑO',
      nombres: 'MA. JOSÉ',
    });
    expect(written.key).toBe('GARZA TREVINO MARIA JOSE');
  });
});
