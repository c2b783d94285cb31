import { describe, expect, it } from 'vitest';
import { expedientesOfOtherPatient } from '../../../src/core/pipeline/copy-names-another-patient.js';

const GARZA_CONS = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';

describe('expedientesOfOtherPatient', () => {
  it('lets a copy that names the same expediente be a duplicate, whatever else differs', () => {
    expect(expedientesOfOtherPatient('3000003799', { filename: GARZA_CONS })).toBeNull();
    expect(
      expedientesOfOtherPatient('3000003799', { filename: GARZA_CONS, expediente: '3000003799' }),
    ).toBeNull();
  });

  it('names the expedientes the content is filed under when the copy names another', () => {
    expect(expedientesOfOtherPatient('3000768077', { filename: GARZA_CONS })).toEqual(['3000003799']);
    expect(
      expedientesOfOtherPatient('3000768077', { filename: `sub/${GARZA_CONS}`, expediente: '3000003799' }),
    ).toEqual(['3000003799']);
  });

  it('accepts the expediente a reviewer attached a mistyped name to, and the one that name gave', () => {
    const typo = '03000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';
    expect(expedientesOfOtherPatient('03000003799', { filename: typo, expediente: '3000003799' })).toBeNull();
    expect(expedientesOfOtherPatient('3000003799', { filename: typo, expediente: '3000003799' })).toBeNull();
    expect(expedientesOfOtherPatient('3000768077', { filename: typo, expediente: '3000003799' })).toEqual([
      '03000003799',
      '3000003799',
    ]);
  });

  it('cannot tell when nothing is known of the earlier file', () => {
    expect(expedientesOfOtherPatient('3000003799', { filename: 'scan.pdf' })).toBeNull();
  });
});
