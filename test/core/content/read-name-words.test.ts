import { describe, expect, it } from 'vitest';
import { readNameWords } from '../../../src/core/content/index.js';
import { judgeSamePerson } from '../../../src/core/matching/index.js';

/**
 * A name written without a comma, whose surnames are joined by the connector Y (issue 3): Y joins the two
 * surnames, it is neither a surname of its own nor the end of the given names.
 */
describe('readNameWords: surnames joined by Y', () => {
  it.each<[written: string, paterno: string, materno: string, nombres: string]>([
    [
      'VILLASEÑOR DE LA PEÑA Y SALDÍVAR MARÍA FERNANDA',
      'VILLASEÑOR DE LA PEÑA',
      'SALDÍVAR',
      'MARÍA FERNANDA',
    ],
    [
      'María Fernanda VILLASEÑOR DE LA PEÑA Y SALDÍVAR',
      'VILLASEÑOR DE LA PEÑA',
      'SALDÍVAR',
      'MARÍA FERNANDA',
    ],
    [
      'MARIA FERNANDA VILLASEÑOR DE LA PEÑA Y SALDÍVAR',
      'VILLASEÑOR DE LA PEÑA',
      'SALDÍVAR',
      'MARIA FERNANDA',
    ],
    ['Jorge Alberto Villaseñor de la Peña y Saldívar', 'VILLASEÑOR DE LA PEÑA', 'SALDÍVAR', 'JORGE ALBERTO'],
    ['ORTEGA Y GASSET JOSE', 'ORTEGA', 'GASSET', 'JOSE'],
    ['LOPEZ PORTILLO Y PACHECO JOSE', 'LOPEZ PORTILLO', 'PACHECO', 'JOSE'],
    ['Ana Sofía DE LA GARZA TREVIÑO Y LEAL', 'DE LA GARZA TREVIÑO', 'LEAL', 'ANA SOFÍA'],
  ])('%s', (written, apellidoPaterno, apellidoMaterno, nombres) => {
    expect(readNameWords(written)).toMatchObject({ apellidoPaterno, apellidoMaterno, nombres });
  });

  it('reads the same person as a registry row that cut the surnames elsewhere', () => {
    const read = readNameWords('María Fernanda Villaseñor de la Peña y Saldívar');
    expect(read).not.toBeNull();
    const registry = {
      apellidoPaterno: 'VILLASEÑOR',
      apellidoMaterno: 'DE LA PEÑA Y SALDÍVAR',
      nombres: 'MARÍA FERNANDA',
    };
    expect(judgeSamePerson(read!, registry)).toBe('same');
  });
});
