import { describe, expect, it } from 'vitest';
import { parsePersonName } from '../../../src/core/filename/parse-person-name.js';

describe('parsePersonName', () => {
  it('normalises and splits a full name', () => {
    expect(parsePersonName('  de la Garza   Treviño ,  josé   luis ')).toEqual({
      ok: true,
      name: {
        apellidos: 'DE LA GARZA TREVIÑO',
        apellidoPaterno: 'DE LA GARZA',
        apellidoMaterno: 'TREVIÑO',
        nombres: 'JOSÉ LUIS',
        nombreCompleto: 'DE LA GARZA TREVIÑO, JOSÉ LUIS',
      },
    });
  });

  it('collapses no-break and other space separators', () => {
    const result = parsePersonName('GARZA\u00a0TIJERINA,\u2003MARIA\u202fESTHER');
    expect(result.ok && result.name.nombreCompleto).toBe('GARZA TIJERINA, MARIA ESTHER');
  });

  it('uppercases without locale rules (i stays I, ß becomes SS)', () => {
    const result = parsePersonName('iñiguez straße, ıvan');
    expect(result.ok && result.name).toMatchObject({ apellidos: 'IÑIGUEZ STRASSE', nombres: 'IVAN' });
  });

  it.each([
    ['', 'missing_surnames', 'empty name'],
    ['   ', 'missing_surnames', 'empty name'],
    [
      'GARZA TIJERINA MARIA',
      'no_comma',
      "no comma between surnames and given names in 'GARZA TIJERINA MARIA'",
    ],
    [', MARIA', 'missing_surnames', 'no surnames before the comma'],
    ['GARZA,', 'missing_given_names', 'no given names after the comma'],
    ['GARZA ,  ', 'missing_given_names', 'no given names after the comma'],
    ['GARZA, TIJERINA, MARIA', 'invalid_name_characters', 'more than one comma'],
    ['GARZA,, MARIA', 'invalid_name_characters', 'more than one comma'],
    ['GARZA 2, MARIA', 'invalid_name_characters', "contains digits ('2')"],
    ['GARZA, MARIA II', 'ok', ''],
    ['GARZA, MARIA Ⅱ', 'invalid_name_characters', 'contains digits'],
    ['GARZA\tTIJERINA, MARIA', 'invalid_name_characters', 'control or invisible characters (U+0009)'],
    ['GARZA\u200bTIJERINA, MARIA', 'invalid_name_characters', 'U+200B'],
    ['GARZA, MARIA\u202e', 'invalid_name_characters', 'U+202E'],
    ['GARZA_TIJERINA, MARIA', 'invalid_name_characters', "contains '_'"],
    ['GARZA; MARIA', 'invalid_name_characters', "not allowed (';')"],
    ['GARZA / LOPEZ, MARIA', 'invalid_name_characters', "not allowed ('/')"],
    [
      'GARZA - TIJERINA, MARIA',
      'invalid_name_characters',
      "'-' in 'GARZA - TIJERINA, MARIA' is not a name word",
    ],
    ['GARZA-, MARIA', 'invalid_name_characters', 'hyphens must join two parts'],
    ['GARZA, . MARIA', 'invalid_name_characters', 'every word needs a letter'],
  ] as const)('%j → %s', (text, code, message) => {
    const result = parsePersonName(text);
    if (code === 'ok') {
      expect(result.ok).toBe(true);
      return;
    }
    expect(result).toMatchObject({ ok: false, code });
    expect(!result.ok && result.message).toContain(message);
  });
});
