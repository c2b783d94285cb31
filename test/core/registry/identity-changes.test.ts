import { describe, expect, it } from 'vitest';
import { identityChangesSince, type ReadIdentity } from '../../../src/core/registry/is-rename.js';

const read: ReadIdentity = {
  expediente: '3000899337',
  apellidoPaterno: 'MARTÍNEZ',
  apellidoMaterno: 'MEJÍA',
  nombres: 'FRANCISCO JAVIER',
  fechaNacimiento: '1956-07-11',
  sexo: 'M',
};

describe('identityChangesSince', () => {
  it('sees nothing in spelling: case, accents, spacing, where the surnames split', () => {
    expect(identityChangesSince(read, { ...read })).toEqual([]);
    expect(
      identityChangesSince(read, {
        ...read,
        apellidoPaterno: 'Martinez Mejia',
        apellidoMaterno: '',
        nombres: ' francisco  javier',
        sexo: 'm',
      }),
    ).toEqual([]);
  });

  it('names every change a reviewer decided without: another name, number, birth date or sex', () => {
    expect(identityChangesSince(read, { ...read, nombres: 'ROBERTO' })).toEqual(['name']);
    // A typo fixed is another spelling of letters: the reviewer did not read that name.
    expect(identityChangesSince(read, { ...read, apellidoMaterno: 'MEJÍAS' })).toEqual(['name']);
    expect(identityChangesSince(read, { ...read, expediente: '3000899338' })).toEqual(['expediente']);
    expect(
      identityChangesSince(read, { ...read, fechaNacimiento: '1963-08-04', sexo: 'F', nombres: 'ANA' }),
    ).toEqual(['name', 'birth_date', 'sex']);
  });

  it('a birth date or sex learnt, or dropped, is a change; unknown both times is not', () => {
    const unknown = { ...read, fechaNacimiento: null, sexo: '' };
    expect(identityChangesSince(unknown, { ...unknown, sexo: null })).toEqual([]);
    expect(identityChangesSince(unknown, read)).toEqual(['birth_date', 'sex']);
    expect(identityChangesSince(read, unknown)).toEqual(['birth_date', 'sex']);
  });
});
