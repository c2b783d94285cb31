import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  matchPatient,
  resolveThresholds,
  tokenFrequencyKeys,
} from '../../../src/core/matching/index.js';
import type { MatchDecision, MatchReason, PatientRecord } from '../../../src/core/matching/types.js';
import { decide, frequenciesFrom, nameQuery, person } from './support/registry-fixtures.js';

const esther = person('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER');
const francisco = person('1000000202', 'DE LA GARZA', 'TREVIÑO', 'FRANCISCO JAVIER');
const rocio = person('1000000303', 'IBARRA', 'SALAS', 'ROCÍO');
const guadalupe = person('1000000404', 'CAVAZOS', 'LEAL', 'MARÍA GUADALUPE');
const registry: PatientRecord[] = [esther, francisco, rocio, guadalupe];

type Row = [
  label: string,
  query: ReturnType<typeof nameQuery>,
  decision: MatchDecision['decision'],
  reason: MatchReason,
  patient: PatientRecord | null,
];

describe('matchPatient: expediente in the registry', () => {
  it.each<Row>([
    [
      'identical',
      nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER'),
      'auto',
      'exact_id_and_name',
      esther,
    ],
    [
      'accents and Ñ',
      nameQuery('1000000202', 'DE LA GARZA', 'TREVINO', 'FRANCISCO JAVIER'),
      'auto',
      'exact_id_and_name',
      francisco,
    ],
    [
      'accent added',
      nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARÍA ESTHER'),
      'auto',
      'exact_id_and_name',
      esther,
    ],
    [
      'one-letter typo',
      nameQuery('1000000101', 'GARZA', 'TIJERNIA', 'MARIA ESTHER'),
      'auto',
      'exact_id_name_variant',
      esther,
    ],
    [
      'typo in a short name',
      nameQuery('1000000303', 'IBARRA', 'SALAS', 'ROCIOO'),
      'auto',
      'exact_id_name_variant',
      rocio,
    ],
    [
      'missing materno',
      nameQuery('1000000101', 'GARZA', '', 'MARIA ESTHER'),
      'auto',
      'exact_id_name_variant',
      esther,
    ],
    [
      'dropped 2nd given name',
      nameQuery('1000000202', 'DE LA GARZA', 'TREVIÑO', 'FRANCISCO'),
      'auto',
      'exact_id_name_variant',
      francisco,
    ],
    [
      'dropped 1st given name',
      nameQuery('1000000404', 'CAVAZOS', 'LEAL', 'GUADALUPE'),
      'auto',
      'exact_id_name_variant',
      guadalupe,
    ],
    [
      'abbreviations',
      nameQuery('1000000404', 'CAVAZOS', 'LEAL', 'MA. GPE.'),
      'auto',
      'exact_id_name_variant',
      guadalupe,
    ],
    [
      'FCO.',
      nameQuery('1000000202', 'DE LA GARZA', 'TREVIÑO', 'FCO. JAVIER'),
      'auto',
      'exact_id_name_variant',
      francisco,
    ],
    [
      'swapped surnames',
      nameQuery('1000000101', 'TIJERINA', 'GARZA', 'MARIA ESTHER'),
      'auto',
      'exact_id_name_variant',
      esther,
    ],
    [
      'particle dropped',
      nameQuery('1000000202', 'GARZA', 'TREVIÑO', 'FRANCISCO JAVIER'),
      'auto',
      'exact_id_name_variant',
      francisco,
    ],
    [
      'particle joined',
      nameQuery('1000000202', 'DELAGARZA', 'TREVIÑO', 'FRANCISCO JAVIER'),
      'auto',
      'exact_id_name_variant',
      francisco,
    ],
    [
      'sounds alike',
      nameQuery('1000000303', 'YBARRA', 'SALAZ', 'ROCIO'),
      'auto',
      'exact_id_name_variant',
      rocio,
    ],
    [
      'two light differences',
      nameQuery('1000000101', 'GARZA', '', 'MA. ESTHER'),
      'auto',
      'exact_id_name_variant',
      esther,
    ],
  ])('%s → auto', (_label, query, decision, reason, patient) => {
    const result = decide(query, registry);
    expect(result).toMatchObject({ decision, reason, patient });
    expect(result.confidence).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.auto);
  });

  it.each<Row>([
    [
      'FRANCISCA for FRANCISCO',
      nameQuery('1000000202', 'DE LA GARZA', 'TREVIÑO', 'FRANCISCA JAVIER'),
      'review',
      'id_match_name_partial',
      francisco,
    ],
    [
      'GARCIA for GARZA',
      nameQuery('1000000101', 'GARCIA', 'TIJERINA', 'MARIA ESTHER'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    [
      'married name (materno differs)',
      nameQuery('1000000101', 'GARZA', 'DE LOPEZ', 'MARIA ESTHER'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    [
      'both surnames differ, same given names',
      nameQuery('1000000101', 'LOPEZ', 'SOTO', 'MARIA ESTHER'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    [
      'sibling: same surnames, another name',
      nameQuery('1000000101', 'GARZA', 'TIJERINA', 'PEDRO'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    ['a stranger', nameQuery('1000000101', 'ZAMBRANO', 'QUIROGA', 'ULISES'), 'review', 'id_conflict', esther],
    [
      'another given name and another materno (DECISIONS 5: clearly another person)',
      nameQuery('1000000101', 'GARZA', 'LOPEZ', 'PEDRO'),
      'review',
      'id_conflict',
      esther,
    ],
    [
      'issue 14: a letter moved in a given name is no id conflict',
      nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARIA ETHSER'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    [
      'too many differences at once',
      nameQuery('1000000101', 'TIJERINA', '', 'MA. ESTER'),
      'review',
      'id_match_name_partial',
      esther,
    ],
    [
      'initial for the first given name',
      nameQuery('1000000202', 'DE LA GARZA', 'TREVIÑO', 'F. JAVIER'),
      'review',
      'id_match_name_partial',
      francisco,
    ],
  ])('%s → review, never new', (_label, query, decision, reason, patient) => {
    const result = decide(query, registry);
    expect(result).toMatchObject({ decision, reason, patient });
    expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.auto);
  });

  it('flags a mislabelled file: the name is exactly another patient’s', () => {
    const result = decide(nameQuery('1000000101', 'IBARRA', 'SALAS', 'ROCIO'), registry);
    expect(result).toMatchObject({ decision: 'review', reason: 'id_conflict', patient: esther });
    expect(result.matchingDetails.suggestions.map((s) => s.patient_id)).toContain(rocio.id);
    expect(result.candidates[0]?.patient).toBe(rocio);
  });

  it('calls GRABIELA HUERTA SOTA on GABRIELA HUERTA SOTO’s expediente a partial match, not an id conflict (issue 14)', () => {
    const gabriela = person('1000000808', 'HUERTA', 'SOTO', 'GABRIELA');
    const result = decide(nameQuery('1000000808', 'HUERTA', 'SOTA', 'GRABIELA'), [...registry, gabriela]);
    expect(result).toMatchObject({ decision: 'review', reason: 'id_match_name_partial', patient: gabriela });
  });

  it('does not attach to an expediente whose owner has another name even when the name matches someone exactly', () => {
    // An expediente typo that lands on an existing patient: the name belongs to Esther, the number to Rocío.
    const result = decide(nameQuery('1000000303', 'GARZA', 'TIJERINA', 'MARIA ESTHER'), registry);
    expect(result.decision).toBe('review');
    expect(result.patient).toBe(rocio);
    expect(result.candidates.map((c) => c.patient)).toContain(esther);
  });

  it('keeps Jaro-Winkler’s prefix bias from auto-assigning even with a lowered threshold', () => {
    for (const auto of [0.95, 0.9, 0.8, 0.7]) {
      const sister = decide(nameQuery('1000000202', 'DE LA GARZA', 'TREVIÑO', 'FRANCISCA JAVIER'), registry, {
        thresholds: { auto, review: 0.5 },
      });
      expect(sister.decision).toBe('review');
      const garcia = decide(nameQuery('1000000101', 'GARCIA', 'TIJERINA', 'MARIA ESTHER'), registry, {
        thresholds: { auto, review: 0.5 },
      });
      expect(garcia.decision).toBe('review');
    }
  });
});

describe('matchPatient: expediente not in the registry', () => {
  it('creates a new patient whose name is one light difference from a registered name with an unrelated expediente', () => {
    for (const query of [
      nameQuery('1000999999', 'GARZA', 'TIJERINA', 'MARIA'),
      nameQuery('1000999999', 'GARZA', 'TIJERNIA', 'MARIA ESTHER'),
      nameQuery('1000999999', 'GARZA', '', 'MARIA ESTHER'),
    ]) {
      expect(decide(query, registry)).toMatchObject({ decision: 'new', patient: null });
    }
  });

  it('still reviews such a name when its expediente is one keystroke from the registered one', () => {
    const result = decide(nameQuery('1000000102', 'GARZA', 'TIJERNIA', 'MARIA ESTHER'), registry);
    expect(result).toMatchObject({ decision: 'review', reason: 'expediente_typo', patient: esther });
  });

  it('reviews a rare name written with abbreviations and without accents under another expediente', () => {
    const result = decide(nameQuery('1000999999', 'CAVAZOS', 'LEAL', 'MA. GPE.'), registry);
    expect(result).toMatchObject({ decision: 'review', reason: 'name_only_match', patient: guadalupe });
  });

  it('reviews a rare name found under another expediente (typo in the expediente, or a namesake)', () => {
    const result = decide(nameQuery('1000999999', 'GARZA', 'TIJERINA', 'MARIA ESTHER'), registry);
    expect(result).toMatchObject({ decision: 'review', reason: 'name_only_match', patient: esther });
    expect(result.confidence).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.auto);
  });

  it.each([
    ['one digit changed', '1000000102'],
    ['neighbours swapped', '1000001001'],
  ])('reviews an expediente typo (%s) and says so', (_label, expediente) => {
    const result = decide(nameQuery(expediente, 'GARZA', 'TIJERINA', 'MARIA ESTHER'), registry);
    expect(result).toMatchObject({ decision: 'review', reason: 'expediente_typo', patient: esther });
    expect(result.candidates[0]?.reasons.join(' ')).toMatch(/one keystroke/);
  });

  it('reviews an expediente that lost or gained leading zeros, however common the name', () => {
    const padded = person('0030007004', 'HERNANDEZ', 'GARCIA', 'JOSE');
    const common = {
      totalPatients: 1_000_000,
      count: (key: string) => (key.startsWith('t:s:') ? 60_000 : 40_000),
    };
    for (const [written, registered] of [
      ['30007004', padded],
      ['000030007004', padded],
      ['0030007004', person('30007004', 'HERNANDEZ', 'GARCIA', 'JOSE')],
    ] as const) {
      const result = decide(nameQuery(written, 'HERNÁNDEZ', 'GARCÍA', 'JOSÉ'), [registered], {
        frequencies: common,
      });
      expect(result).toMatchObject({ decision: 'review', reason: 'expediente_typo', patient: registered });
      expect(result.candidates[0]?.reasons).toContain(
        `expediente the same number but for leading zeros (${registered.expediente})`,
      );
    }
  });

  it('never makes a new patient of a number the registry holds with other zeros, whatever the name', () => {
    // 30005001 is RAMIRO's 0030005001: a new patient would be a second one under his number.
    const ramiro = person('0030005001', 'SEPULVEDA', 'ELIZONDO', 'RAMIRO');
    const others = [1, 2, 3, 4, 5].map((n) =>
      person(`300000000${n}`, 'LOPEZ', 'PEREZ', `ANA ${'ABCDE'[n - 1]}`),
    );
    for (const [query, reason] of [
      [nameQuery('30005001', 'LOPEZ', 'PEREZ', 'ANA'), 'id_conflict'],
      [nameQuery('030005001', 'SEPULVEDA', 'ELIZONDO', 'RAMON'), 'id_match_name_partial'],
    ] as const) {
      const result = decide(query, [...others, ramiro]);
      expect(result).toMatchObject({ decision: 'review', reason, patient: ramiro });
      // However low its score, the patient the review is about is among those shown.
      expect(result.candidates.map((c) => c.patient)).toContain(ramiro);
    }
  });

  it('creates a new patient when there are no candidates', () => {
    const result = decide(nameQuery('1000999999', 'ZAMBRANO', 'QUIROGA', 'ULISES'), []);
    expect(result).toMatchObject({ decision: 'new', reason: 'no_candidates', patient: null, confidence: 0 });
    expect(result.candidates).toEqual([]);
  });

  it('creates a new patient when no candidate is plausible', () => {
    for (const query of [
      nameQuery('1000999999', 'ZAMBRANO', 'QUIROGA', 'ULISES'),
      nameQuery('1000999999', 'GARZA', 'TIJERINA', 'PEDRO'), // a sibling
      nameQuery('1000999999', 'DE LA GARZA', 'TREVIÑO', 'FRANCISCA JAVIER'), // a sister
      nameQuery('1000999999', 'GARZA', '', 'MARIA'), // two differences are not enough without the number
    ]) {
      const result = decide(query, registry);
      expect(result).toMatchObject({ decision: 'new', reason: 'no_plausible_candidate', patient: null });
      expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.review);
    }
  });

  it('never auto-assigns on a name alone, whatever the thresholds', () => {
    for (const thresholds of [DEFAULT_THRESHOLDS, { auto: 0.5, review: 0.2 }, { auto: 0, review: 0 }]) {
      const result = decide(nameQuery('1000999999', 'GARZA', 'TIJERINA', 'MARIA ESTHER'), registry, {
        thresholds,
      });
      expect(result.decision).not.toBe('auto');
    }
  });

  it('weighs a common name less than a rare one', () => {
    const query = nameQuery('1000999999', 'GARZA', 'TIJERINA', 'MARIA ESTHER');
    const rare = decide(query, registry);
    const commonCounts = { 't:s:GARZA': 8_000, 't:s:TIJERINA': 3_000, 't:g:MARIA': 9_000 } as Record<
      string,
      number
    >;
    const common = decide(query, registry, {
      frequencies: { totalPatients: 100_000, count: (key) => commonCounts[key] ?? 0 },
    });
    expect(rare.decision).toBe('review');
    expect(common).toMatchObject({ decision: 'new', reason: 'common_name_homonyms' });
    expect(common.matchingDetails.expected_homonyms).toBeGreaterThan(1);
    expect(common.candidates[0]!.scores.frequencyWeight).toBeLessThan(
      rare.candidates[0]!.scores.frequencyWeight,
    );
  });
});

describe('matchPatient: homonyms', () => {
  const juanes = Array.from({ length: 10 }, (_, i) =>
    person(`20000000${String(i).padStart(2, '0')}`, 'HERNANDEZ', 'HERNANDEZ', 'JUAN'),
  );
  // Two digits from every JUAN's expediente: no slip of one digit turns one into the other.
  const juanCarlos = person('2000000550', 'HERNANDEZ', 'HERNANDEZ', 'JUAN CARLOS');
  const crowd = [...juanes, juanCarlos];

  it('attaches each JUAN HERNANDEZ HERNANDEZ to the one with his expediente', () => {
    for (const juan of juanes) {
      const result = decide(nameQuery(juan.expediente, 'HERNÁNDEZ', 'HERNÁNDEZ', 'JUAN'), crowd);
      expect(result).toMatchObject({ decision: 'auto', reason: 'exact_id_and_name', patient: juan });
    }
  });

  it('creates an eleventh JUAN HERNANDEZ HERNANDEZ for an unknown expediente far from theirs', () => {
    const result = decide(nameQuery('2999999999', 'HERNANDEZ', 'HERNANDEZ', 'JUAN'), crowd);
    expect(result).toMatchObject({ decision: 'new', reason: 'common_name_homonyms', patient: null });
  });

  it('still catches an expediente typo among the homonyms', () => {
    const result = decide(nameQuery('2000000013', 'HERNANDEZ', 'HERNANDEZ', 'JUAN'), crowd);
    expect(result).toMatchObject({ decision: 'review', reason: 'expediente_typo' });
    expect(result.patient?.expediente).toMatch(/^20000000(03|10)$/);
  });

  it('attaches JUAN CARLOS by expediente although ten patients are called JUAN', () => {
    const result = decide(nameQuery('2000000550', 'HERNANDEZ', 'HERNANDEZ', 'JUAN CARLOS'), crowd);
    expect(result).toMatchObject({ decision: 'auto', patient: juanCarlos });
  });

  it('attaches a dropped 2nd name by expediente when the short name is common', () => {
    const result = decide(nameQuery('2000000550', 'HERNANDEZ', 'HERNANDEZ', 'JUAN'), crowd, {
      frequencies: { totalPatients: 1_000_000, count: (key) => (key.startsWith('t:s:') ? 60_000 : 40_000) },
    });
    expect(result).toMatchObject({ decision: 'auto', reason: 'exact_id_name_variant', patient: juanCarlos });
  });

  it('reviews that dropped 2nd name when a JUAN is one keystroke from the expediente', () => {
    const nextDoor = person('2000000050', 'HERNANDEZ', 'HERNANDEZ', 'JUAN CARLOS');
    const result = decide(
      nameQuery(nextDoor.expediente, 'HERNANDEZ', 'HERNANDEZ', 'JUAN'),
      [...juanes, nextDoor],
      {
        frequencies: { totalPatients: 1_000_000, count: (key) => (key.startsWith('t:s:') ? 60_000 : 40_000) },
      },
    );
    expect(result).toMatchObject({
      decision: 'review',
      reason: 'id_match_name_fits_neighbour',
      patient: nextDoor,
    });
  });

  it('reviews a short name that is exactly a relative’s when the family name is rare', () => {
    const father = person('3000000001', 'FALAGUI', 'ZARIDA', 'JUAN');
    const son = person('3000000099', 'FALAGUI', 'ZARIDA', 'JUAN CARLOS');
    const result = decide(nameQuery(son.expediente, 'FALAGUI', 'ZARIDA', 'JUAN'), [father, son]);
    expect(result).toMatchObject({ decision: 'review', reason: 'id_match_name_fits_other', patient: son });
  });
});

describe('matchPatient: Ñ written NI', () => {
  const munoz = person('3000100002', 'MUÑOZ', 'PEÑA', 'MARÍA');
  // The same registry row exported from a Mac: the tilde a combining mark after the N.
  const decomposed = person('3000100002', 'MUN\u0303OZ', 'PEN\u0303A', 'MARI\u0301A');

  it('attaches MUNIOZ PENIA to MUÑOZ PEÑA, in capitals or not, however the registry encodes Ñ', () => {
    for (const registered of [munoz, decomposed]) {
      for (const [paterno, materno] of [
        ['MUNIOZ', 'PENIA'],
        ['Munioz', 'Penia'],
      ] as const) {
        const result = decide(nameQuery(registered.expediente, paterno, materno, 'MARIA'), [registered]);
        expect(result).toMatchObject({
          decision: 'auto',
          reason: 'exact_id_name_variant',
          patient: registered,
        });
        expect(result.candidates[0]?.name.fields.paterno.kind).toBe('enye_as_ni');
      }
    }
  });

  it('reviews MUNIOZ PENIA under an expediente the registry does not hold, as it reviews MUNOZ PENA', () => {
    for (const paterno of ['MUNIOZ', 'MUNOZ']) {
      const result = decide(
        nameQuery('3000199999', paterno, paterno === 'MUNOZ' ? 'PENA' : 'PENIA', 'MARIA'),
        [munoz],
      );
      expect(result).toMatchObject({ decision: 'review', reason: 'name_only_match', patient: munoz });
    }
  });

  it('reads NI as Ñ only where the registry writes Ñ', () => {
    const pena = person('3000100003', 'PENA', 'SOTO', 'MARIA');
    const result = decide(nameQuery(pena.expediente, 'PENIA', 'SOTO', 'MARIA'), [pena]);
    expect(result.candidates[0]?.name.fields.paterno.kind).toBe('typo');
  });
});

describe('matchPatient: a sex-marking first name left out', () => {
  const common = {
    totalPatients: 1_000_000,
    count: (key: string) => (key.startsWith('t:s:') ? 60_000 : 40_000),
  };

  it.each([
    ['MARIA for JOSE MARIA', 'JOSE MARIA', 'MARIA'],
    ['JOSE for MARIA JOSE', 'MARIA JOSE', 'JOSE'],
    ['JESUS for MA. DE JESUS', 'MARIA DE JESUS', 'JESUS'],
    ['JESUS for TERESITA DE JESUS', 'TERESITA DE JESUS', 'JESUS'],
    ['CARMEN for JOSE DEL CARMEN', 'JOSE DEL CARMEN', 'CARMEN'],
    ['LUZ for JOSE DE LA LUZ', 'JOSE DE LA LUZ', 'LUZ'],
    ['DOLORES for JOSE DOLORES', 'JOSE DOLORES', 'DOLORES'],
    ['JOSE MARIA for MARIA', 'MARIA', 'JOSE MARIA'],
  ])(
    'reviews %s: a sister or a brother, not the same person with a name left out',
    (_label, registered, written) => {
      const patient = person('3000600002', 'ZAMBRANO', 'MONTEMAYOR', registered);
      for (const frequencies of [frequenciesFrom([patient]), common]) {
        const result = decide(nameQuery(patient.expediente, 'ZAMBRANO', 'MONTEMAYOR', written), [patient], {
          frequencies,
        });
        expect(result).toMatchObject({ decision: 'review', reason: 'id_match_name_partial', patient });
      }
    },
  );

  it.each([
    ['CARMEN for MARIA DEL CARMEN', 'MARIA DEL CARMEN', 'CARMEN'],
    ['LUIS for JOSE LUIS', 'JOSE LUIS', 'LUIS'],
    ['JOSE for JOSE MARIA', 'JOSE MARIA', 'JOSE'],
  ])('still attaches %s', (_label, registered, written) => {
    const patient = person('3000600002', 'ZAMBRANO', 'MONTEMAYOR', registered);
    expect(decide(nameQuery(patient.expediente, 'ZAMBRANO', 'MONTEMAYOR', written), [patient])).toMatchObject(
      {
        decision: 'auto',
        patient,
      },
    );
  });
});

describe('matchPatient: a sex-marking first name against the registered sex', () => {
  const registered = (nombres: string, sexo: string | null): PatientRecord => ({
    ...person('3000700001', 'HERNANDEZ', 'LOPEZ', nombres),
    sexo,
  });

  it.each([
    ['MA GUADALUPE on a man registered as GUADALUPE', 'GUADALUPE', 'M', 'MA GUADALUPE', 'MA', "a woman's"],
    ['MARIA ROSARIO on a man registered as ROSARIO', 'ROSARIO', 'M', 'MARIA ROSARIO', 'MARIA', "a woman's"],
    [
      'JOSE GUADALUPE on a woman registered as GUADALUPE',
      'GUADALUPE',
      'F',
      'JOSE GUADALUPE',
      'JOSE',
      "a man's",
    ],
  ])(
    'reviews %s: a sister or a brother as likely as the patient',
    (_label, nombres, sexo, written, word, whose) => {
      const patient = registered(nombres, sexo);
      const result = decide(nameQuery(patient.expediente, 'HERNANDEZ', 'LOPEZ', written), [patient]);
      expect(result).toMatchObject({ decision: 'review', reason: 'id_match_name_partial', patient });
      expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.auto);
      expect(result.candidates[0]?.reasons).toContain(
        `sexo: registered ${sexo}, but the filename's ${word} is ${whose} name`,
      );
    },
  );

  it.each([
    ['the registry records no sex', 'GUADALUPE', null, 'MA GUADALUPE'],
    ['the registered sex agrees', 'GUADALUPE', 'F', 'MA GUADALUPE'],
    ['the registered name opens with the same word', 'MARIA GUADALUPE', 'M', 'MA. GUADALUPE'],
    ['the filename leaves the marking word out', 'JOSE GUADALUPE', 'M', 'GUADALUPE'],
    ['an initial may be JUAN as well as JOSE', 'GUADALUPE', 'F', 'J. GUADALUPE'],
  ])('still decides on the name alone when %s', (_label, nombres, sexo, written) => {
    const patient = registered(nombres, sexo);
    const result = decide(nameQuery(patient.expediente, 'HERNANDEZ', 'LOPEZ', written), [patient]);
    expect(result.candidates[0]?.reasons.some((reason) => reason.startsWith('sexo:'))).toBe(false);
    if (written !== 'J. GUADALUPE') expect(result).toMatchObject({ decision: 'auto', patient });
  });
});

describe('matchPatient: the first given name and the materno both left out', () => {
  const juanCarlos = person('3000800001', 'DE LA GARZA', 'TREVIÑO', 'JUAN CARLOS');

  it('reviews DE LA GARZA, CARLOS for JUAN CARLOS DE LA GARZA TREVIÑO: his father carries that name too', () => {
    const result = decide(nameQuery(juanCarlos.expediente, 'DE LA GARZA', '', 'CARLOS'), [juanCarlos]);
    expect(result).toMatchObject({
      decision: 'review',
      reason: 'id_match_name_partial',
      patient: juanCarlos,
    });
    expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.auto);
  });

  it.each([
    ['the materno is there', 'DE LA GARZA', 'TREVIÑO', 'CARLOS'],
    ['only the materno is left out', 'DE LA GARZA', '', 'JUAN CARLOS'],
  ])('still attaches when %s', (_label, paterno, materno, nombres) => {
    expect(decide(nameQuery(juanCarlos.expediente, paterno, materno, nombres), [juanCarlos])).toMatchObject({
      decision: 'auto',
      patient: juanCarlos,
    });
  });
});

describe('matchPatient: twins on neighbouring expedientes', () => {
  const juanPablo = person('3000200001', 'GARZA', 'LEAL', 'JUAN PABLO');
  const juanCarlos = person('3000200002', 'GARZA', 'LEAL', 'JUAN CARLOS');
  const twins = [juanPablo, juanCarlos];
  const common = {
    totalPatients: 1_000_000,
    count: (key: string) => (key.startsWith('t:s:') ? 60_000 : 40_000),
  };

  it.each([
    ['the first name only', 'JUAN'],
    ['an initial for the second name', 'JUAN C.'],
  ])(
    'reviews %s when it fits the twin one keystroke away as well, however common the name',
    (_label, nombres) => {
      for (const frequencies of [frequenciesFrom(twins), common]) {
        const result = decide(nameQuery(juanPablo.expediente, 'GARZA', 'LEAL', nombres), twins, {
          frequencies,
        });
        expect(result).toMatchObject({ decision: 'review', patient: juanPablo });
        expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLDS.auto);
        expect(result.candidates.map((c) => c.patient)).toContain(juanCarlos);
      }
    },
  );

  it('says why: the name fits the neighbouring expediente too', () => {
    const result = decide(nameQuery(juanPablo.expediente, 'GARZA', 'LEAL', 'JUAN'), twins);
    expect(result.reason).toBe('id_match_name_fits_neighbour');
  });

  it('attaches each twin by his full name, and a name that fits only his expediente', () => {
    for (const twin of twins) {
      expect(decide(nameQuery(twin.expediente, 'GARZA', 'LEAL', twin.nombres), twins)).toMatchObject({
        decision: 'auto',
        reason: 'exact_id_and_name',
        patient: twin,
      });
    }
    // A typo that still fits Juan Pablo better than his brother.
    expect(decide(nameQuery(juanPablo.expediente, 'GARZA', 'LEAL', 'JAUN PABLO'), twins)).toMatchObject({
      decision: 'auto',
      patient: juanPablo,
    });
  });

  it('attaches the short name when the patient who also fits it is not one keystroke away', () => {
    const cousin = person('3000900007', 'GARZA', 'LEAL', 'JUAN CARLOS');
    const result = decide(nameQuery(juanPablo.expediente, 'GARZA', 'LEAL', 'JUAN'), [juanPablo, cousin], {
      frequencies: common,
    });
    expect(result).toMatchObject({ decision: 'auto', reason: 'exact_id_name_variant', patient: juanPablo });
  });
});

describe('matchPatient: father and son (JR)', () => {
  const father = person('3000300001', 'TREVIÑO', 'CANTÚ', 'ROBERTO');
  const son = person('3000300002', 'TREVIÑO', 'CANTÚ', 'ROBERTO JR');
  const common = {
    totalPatients: 1_000_000,
    count: (key: string) => (key.startsWith('t:s:') ? 60_000 : 40_000),
  };

  it.each([
    [
      "the son's name on the father's expediente, the son not registered",
      nameQuery(father.expediente, 'TREVIÑO', 'CANTU', 'ROBERTO JR'),
      [father],
    ],
    [
      "the son's name, spelt JUNIOR, on the father's expediente",
      nameQuery(father.expediente, 'TREVIÑO', 'CANTU', 'ROBERTO JUNIOR'),
      [father, son],
    ],
    [
      "the father's name on the son's expediente, the father not registered",
      nameQuery(son.expediente, 'TREVIÑO', 'CANTU', 'ROBERTO'),
      [son],
    ],
    [
      'SR on the son’s expediente',
      nameQuery(son.expediente, 'TREVIÑO', 'CANTU', 'ROBERTO SR'),
      [father, son],
    ],
  ])('reviews %s, however common the name', (_label, query, registry) => {
    for (const frequencies of [frequenciesFrom(registry), common]) {
      const result = decide(query, registry, { frequencies });
      expect(result).toMatchObject({ decision: 'review', reason: 'id_match_name_partial' });
      expect(result.patient?.expediente).toBe(query.expediente);
      const owner = registry.find((p) => p.expediente === query.expediente)!;
      expect(result.candidates.find((c) => c.patient === owner)!.reasons).toContain(
        `nombres: another generation (JR/SR: father and son) (${query.nombres} vs ${owner.nombres})`,
      );
    }
  });

  it('attaches JR written as JUNIOR or JR. to the son', () => {
    for (const nombres of ['ROBERTO JUNIOR', 'ROBERTO JR.', 'Roberto Jr']) {
      const result = decide(nameQuery(son.expediente, 'TREVIÑO', 'CANTU', nombres), [father, son]);
      expect(result).toMatchObject({ decision: 'auto', patient: son });
    }
  });

  it('keeps JUNIOR alone a given name, not a suffix', () => {
    const junior = person('3000300003', 'TREVIÑO', 'CANTÚ', 'JUNIOR');
    expect(decide(nameQuery(junior.expediente, 'TREVINO', 'CANTU', 'JUNIOR'), [junior])).toMatchObject({
      decision: 'auto',
      reason: 'exact_id_and_name',
    });
  });
});

describe('matchPatient: output', () => {
  const many = [
    ...Array.from({ length: 40 }, (_, i) =>
      person(`40000000${String(i).padStart(2, '0')}`, 'GARZA', 'TIJERINA', 'MARIA'),
    ),
    esther,
    rocio,
  ];

  it('returns at most five candidates, always including the expediente’s patient', () => {
    const result = decide(nameQuery(rocio.expediente, 'GARZA', 'TIJERINA', 'MARIA'), many);
    expect(result.candidates.length).toBe(5);
    expect(result.candidates.map((c) => c.patient)).toContain(rocio);
    expect(result.matchingDetails.id_match).toBe(true);
  });

  it('reports every signal between 0 and 1, with reasons', () => {
    const result = decide(nameQuery('1000000101', 'GARZA', '', 'MA. ESTHER'), registry);
    const top = result.candidates[0]!;
    for (const value of Object.values(top.scores)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(top.scores).toMatchObject({ idMatch: 1, nearId: 0 });
    expect(top.reasons).toEqual([
      'expediente matches',
      'apellido materno: missing on one side (∅ vs TIJERINA)',
      'nombres: abbreviation expanded (MA ESTHER vs MARIA ESTHER)',
    ]);
    expect(result.matchingDetails).toMatchObject({
      id_match: true,
      reason: 'exact_id_name_variant',
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(result.matchingDetails.algorithm).toMatch(/levenshtein.*jaro-winkler.*token.*word-intersection/);
    expect(result.matchingDetails.suggestions[0]).toMatchObject({
      patient_id: esther.id,
      expediente: esther.expediente,
      nombre_completo: 'GARZA TIJERINA, MARIA ESTHER',
    });
  });

  it('is deterministic and independent of candidate order', () => {
    const query = nameQuery('1000999999', 'GARZA', 'TIJERINA', 'MARIA');
    const frequencies = frequenciesFrom(many);
    const forward = matchPatient({ query, candidates: many, frequencies });
    const backward = matchPatient({ query, candidates: [...many].reverse(), frequencies });
    const again = matchPatient({ query, candidates: many, frequencies });
    expect(backward).toEqual(forward);
    expect(again).toEqual(forward);
  });

  it('asks the frequencies only for the query’s own frequency keys, so they can be fetched beforehand', () => {
    const asked = new Set<string>();
    const query = nameQuery('1000000101', 'GARSA', 'TIJERINA', 'MA. ESTER');
    matchPatient({
      query,
      candidates: [...registry, ...many],
      frequencies: {
        totalPatients: 100_000,
        count: (key) => {
          asked.add(key);
          return 1;
        },
      },
    });
    expect(asked.size).toBeGreaterThan(0);
    const allowed = new Set(tokenFrequencyKeys(query));
    for (const key of asked) expect(allowed.has(key), key).toBe(true);
  });

  it('ignores a candidate passed twice', () => {
    const result = decide(nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER'), [
      esther,
      esther,
      rocio,
    ]);
    expect(result.candidates.filter((c) => c.patient === esther)).toHaveLength(1);
  });
});

describe('thresholds', () => {
  it('can be raised so that only identical names auto-assign', () => {
    const strict = { auto: 0.999 };
    expect(
      decide(nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER'), registry, { thresholds: strict })
        .decision,
    ).toBe('auto');
    expect(
      decide(nameQuery('1000000101', 'GARZA', 'TIJERNIA', 'MARIA ESTHER'), registry, { thresholds: strict }),
    ).toMatchObject({
      decision: 'review',
      reason: 'id_match_name_partial',
    });
  });

  it('fills in defaults and rejects inconsistent values', () => {
    expect(resolveThresholds({ review: 0.5 })).toEqual({ auto: 0.95, review: 0.5 });
    expect(() => resolveThresholds({ auto: 0.5, review: 0.6 })).toThrow(RangeError);
    expect(() => resolveThresholds({ auto: 1.2 })).toThrow(RangeError);
    expect(() => resolveThresholds({ review: Number.NaN })).toThrow(RangeError);
  });
});
