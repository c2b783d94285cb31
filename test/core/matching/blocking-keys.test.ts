import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_KEY_PREFIXES,
  FREQUENCY_KEY_PREFIX,
  isFrequencyKey,
  patientBlockingKeys,
  queryBlockingKeys,
  tokenFrequencyKeys,
} from '../../../src/core/matching/index.js';
import type { NameFields } from '../../../src/core/matching/types.js';
import { typoIn } from './support/noisy-queries.js';
import { createRandom } from './support/seeded-random.js';
import { syntheticPatient } from './support/synthetic-names.js';

const patient: NameFields = {
  apellidoPaterno: 'DE LA GARZA',
  apellidoMaterno: 'TREVIÑO',
  nombres: 'MARÍA GUADALUPE',
};

function name(apellidoPaterno: string, apellidoMaterno: string, nombres: string): NameFields {
  return { apellidoPaterno, apellidoMaterno, nombres };
}

function sharesKey(query: NameFields, stored: NameFields): boolean {
  const keys = new Set(patientBlockingKeys(stored));
  return queryBlockingKeys(query).some((key) => keys.has(key));
}

describe('patientBlockingKeys', () => {
  it('returns distinct keys, candidate keys and frequency keys', () => {
    const keys = patientBlockingKeys(patient);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter(isFrequencyKey).sort()).toEqual(tokenFrequencyKeys(patient).sort());
    for (const key of keys.filter((k) => !isFrequencyKey(k))) {
      expect(CANDIDATE_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))).toBe(true);
    }
  });

  it('keeps keys compact: exact strings, no wildcards, about ten per patient', () => {
    const keys = patientBlockingKeys(patient);
    expect(keys.length).toBeLessThanOrEqual(16);
    for (const key of keys) expect(key).toMatch(/^[a-z]:([a-z]:)?[A-Z#|]*$/);
    // A patient without particles needs fewer.
    expect(patientBlockingKeys(name('LOPEZ', 'SOTO', 'JUAN CARLOS')).length).toBeLessThanOrEqual(11);
  });

  it('indexes nothing but frequencies for a name without given names', () => {
    expect(patientBlockingKeys(name('LOPEZ', 'SOTO', '')).every(isFrequencyKey)).toBe(true);
  });

  it('gives frequency keys one word each, surnames and given names apart', () => {
    expect(tokenFrequencyKeys(patient).sort()).toEqual([
      't:g:GUADALUPE',
      't:g:MARIA',
      't:s:GARZA',
      't:s:TREVINO',
    ]);
    expect(FREQUENCY_KEY_PREFIX).toBe('t:');
  });
});

describe('queryBlockingKeys', () => {
  it('never returns frequency keys', () => {
    expect(queryBlockingKeys(patient).some(isFrequencyKey)).toBe(false);
  });

  it.each<[string, NameFields]>([
    ['as written', patient],
    ['accents dropped', name('DE LA GARZA', 'TREVINO', 'MARIA GUADALUPE')],
    ['particles dropped', name('GARZA', 'TREVIÑO', 'MARIA GUADALUPE')],
    ['particles joined', name('DELAGARZA', 'TREVIÑO', 'MARIA GUADALUPE')],
    ['abbreviations', name('DE LA GARZA', 'TREVIÑO', 'MA. GPE.')],
    ['surnames swapped', name('TREVIÑO', 'DE LA GARZA', 'MARIA GUADALUPE')],
    ['materno missing', name('DE LA GARZA', '', 'MARIA GUADALUPE')],
    ['2nd given name dropped', name('DE LA GARZA', 'TREVIÑO', 'MARIA')],
    ['1st given name dropped', name('DE LA GARZA', 'TREVIÑO', 'GUADALUPE')],
    ['paterno misspelt', name('DE LA GRAZA', 'TREVIÑO', 'MARIA GUADALUPE')],
    ['materno misspelt', name('DE LA GARZA', 'TREVIÑA', 'MARIA GUADALUPE')],
    ['first given name misspelt at its first letter', name('DE LA GARZA', 'TREVIÑO', 'NARIA GUADALUPE')],
    ['paterno sounds alike', name('DE LA GARSA', 'TREBIÑO', 'MARIA GUADALUPE')],
  ])('finds the patient when %s', (_label, query) => {
    expect(sharesKey(query, patient)).toBe(true);
  });

  it('meets MUÑOZ PEÑA when both surnames are typed with NI for Ñ, and keeps the stored keys as they were', () => {
    const munoz = name('MUÑOZ', 'PEÑA', 'MARÍA');
    expect(sharesKey(name('MUNIOZ', 'PENIA', 'MARIA'), munoz)).toBe(true);
    expect(patientBlockingKeys(name('MUNIOZ', 'PENIA', 'MARIA'))).not.toContain('a:MUNOS|PENA|MARIA');
  });

  it('does not put strangers under the same keys', () => {
    expect(sharesKey(name('IBARRA', 'SALAS', 'ROCIO'), patient)).toBe(false);
    expect(sharesKey(name('GARCIA', 'TREVIÑO', 'PEDRO'), patient)).toBe(false);
  });

  it('meets any patient with two surnames after a one-letter typo in any one field', () => {
    const random = createRandom(7);
    let tried = 0;
    for (let index = 0; index < 3000; index++) {
      const stored = syntheticPatient(99, index);
      if (stored.apellidoMaterno === '') continue;
      const field = random.pick(['apellidoPaterno', 'apellidoMaterno', 'nombres'] as const);
      const words = stored[field].split(' ');
      const w = random.int(words.length);
      words[w] = typoIn(words[w]!, random);
      const query = { ...stored, [field]: words.join(' ') };
      tried++;
      expect(sharesKey(query, stored), `${JSON.stringify(stored)} → ${query[field]}`).toBe(true);
    }
    expect(tried).toBeGreaterThan(2500);
  });
});
