import { describe, expect, it } from 'vitest';
import { parsePersonName } from '../../../src/core/filename/parse-person-name.js';
import {
  compareNames,
  normalizeName,
  patientBlockingKeys,
  queryBlockingKeys,
  type NameKnowledge,
} from '../../../src/core/matching/index.js';
import type { NameFields, NameQuery, PatientRecord } from '../../../src/core/matching/types.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from '../../../src/core/matching/name-dictionary.js';
import { decide, person } from './support/registry-fixtures.js';

/**
 * Compound surnames (issue 3): the filename parser cuts `APELLIDOS` at the connector Y or after the first
 * surname, a registry may have cut the same words elsewhere. The same words must meet and compare as the
 * same surnames, whatever the cut; a different person on the same surnames must not.
 */
const dictionaryOnly: NameKnowledge = {
  isRealGivenName: (token) => KNOWN_GIVEN_NAMES.has(token.text),
  isRealSurname: (surname) => KNOWN_SURNAMES.has(surname.core),
};

/** The query as the filename parser reads `APELLIDOS, NOMBRES`. */
function fromFilename(expediente: string, written: string): NameQuery {
  const parsed = parsePersonName(written);
  if (!parsed.ok) throw new Error(parsed.message);
  const { apellidoPaterno, apellidoMaterno, nombres } = parsed.name;
  return { expediente, apellidoPaterno, apellidoMaterno, nombres };
}

function sharesKey(query: NameFields, stored: NameFields): boolean {
  const keys = new Set(patientBlockingKeys(stored));
  return queryBlockingKeys(query).some((key) => keys.has(key));
}

/** Filename `APELLIDOS, NOMBRES` → the registry's paterno / materno for the same words, cut elsewhere. */
const SHAPES: Array<[label: string, written: string, paterno: string, materno: string]> = [
  [
    'particles then Y, registry cuts after the first word',
    'VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE ALBERTO',
    'VILLASEÑOR',
    'DE LA PEÑA Y SALDÍVAR',
  ],
  [
    'particles then Y, registry cuts at Y and drops it',
    'VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE ALBERTO',
    'VILLASEÑOR DE LA PEÑA',
    'SALDÍVAR',
  ],
  ['X Y Z, registry keeps Y in the materno', 'ORTEGA Y GASSET, JOSÉ', 'ORTEGA', 'Y GASSET'],
  ['X Y Z, registry stores it all as paterno', 'ORTEGA Y GASSET, JOSÉ', 'ORTEGA Y GASSET', ''],
  [
    'DE LA X Y Z, registry cuts before the Y-joined pair',
    'DE LA GARZA TREVIÑO Y LEAL, ANA SOFÍA',
    'DE LA GARZA',
    'TREVIÑO Y LEAL',
  ],
  ['X DE LA Y, registry cuts after X', 'ITURBIDE DE LA ROSA, PEDRO', 'ITURBIDE', 'DE LA ROSA'],
  ['X DE LA Y, registry keeps it whole as paterno', 'ITURBIDE DE LA ROSA, PEDRO', 'ITURBIDE DE LA ROSA', ''],
  ['X-Y Z, registry cuts at the hyphen', 'GARZA-TIJERINA LEAL, LUCÍA', 'GARZA', 'TIJERINA LEAL'],
  ['X Y-Z, registry cuts before the hyphenated pair', 'LEAL GARZA-TIJERINA, LUCÍA', 'LEAL GARZA', 'TIJERINA'],
];

describe('compound surnames cut differently by the filename and the registry', () => {
  it.each(SHAPES)('%s: retrieved as a candidate', (_label, written, paterno, materno) => {
    const query = fromFilename('4000009999', written);
    const stored = person('4000000001', paterno, materno, query.nombres);
    expect(sharesKey(query, stored)).toBe(true);
  });

  it.each(SHAPES)('%s: compared as the same surnames', (_label, written, paterno, materno) => {
    const query = fromFilename('4000009999', written);
    const stored = person('4000000001', paterno, materno, query.nombres);
    const result = compareNames(normalizeName(query), normalizeName(stored), dictionaryOnly);
    expect(result.light).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(0.98);
  });

  it.each(SHAPES)(
    '%s: reviewed under another expediente, never a new patient',
    (_label, written, paterno, materno) => {
      const query = fromFilename('4000009999', written);
      const registered = person('4000000001', paterno, materno, query.nombres);
      expect(decide(query, [registered])).toMatchObject({
        decision: 'review',
        reason: 'name_only_match',
        patient: registered,
      });
    },
  );

  it.each(SHAPES)('%s: attached under its own expediente', (_label, written, paterno, materno) => {
    const query = fromFilename('4000000001', written);
    const registered = person('4000000001', paterno, materno, query.nombres);
    expect(decide(query, [registered])).toMatchObject({ decision: 'auto', patient: registered });
  });

  it('keeps a sibling on the same compound surnames apart: another given name is review on the expediente, new without it', () => {
    const jorge = person('4000000001', 'VILLASEÑOR', 'DE LA PEÑA Y SALDÍVAR', 'JORGE ALBERTO');
    const rosa = fromFilename('4000000001', 'VILLASEÑOR DE LA PEÑA Y SALDÍVAR, ROSA');
    expect(decide(rosa, [jorge])).toMatchObject({ decision: 'review' });
    expect(decide({ ...rosa, expediente: '4000009999' }, [jorge])).toMatchObject({ decision: 'new' });
  });

  it('does not take other surname words for a different cut', () => {
    const query = fromFilename('4000000001', 'VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE ALBERTO');
    const other: PatientRecord = person('4000000001', 'VILLASEÑOR', 'DE LA PEÑA', 'JORGE ALBERTO');
    const result = decide(query, [other]);
    expect(result.decision).toBe('review');
    expect(result.candidates[0]?.name.fields.paterno.kind).not.toBe('split');
  });

  it('tries the other cuts only for the query: stored keys stay as they were', () => {
    expect(patientBlockingKeys(person('1', 'VILLASEÑOR DE LA PEÑA', 'SALDÍVAR', 'JORGE'))).not.toContain(
      's:FILASENOR|JORJ',
    );
    expect(
      queryBlockingKeys(fromFilename('1', 'VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE')).length,
    ).toBeLessThan(60);
  });
});
