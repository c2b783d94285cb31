import type { NameQuery, PatientRecord } from '../../../../src/core/matching/types.js';
import { createRandom, mixSeed, type Random } from './seeded-random.js';
import { expedienteAt, stripAccents, syntheticPatient } from './synthetic-names.js';

/**
 * Categories of filenames, after issue 3 part 7. The light-noise ones are true matches with the right
 * expediente that should be auto-assigned; the rest test the safety rules.
 */
export const LIGHT_NOISE_CATEGORIES = [
  'exact',
  'accents',
  'typo',
  'missing_materno',
  'dropped_given_name',
  'abbreviation',
  'swapped_surnames',
  'particle',
] as const;
export const SAFETY_CATEGORIES = [
  'expediente_typo',
  'mislabelled',
  'homonym_new_expediente',
  'brand_new',
  'new_patient_several_documents',
] as const;
export const NOISE_CATEGORIES = [...LIGHT_NOISE_CATEGORIES, ...SAFETY_CATEGORIES] as const;
export type NoiseCategory = (typeof NOISE_CATEGORIES)[number];

/** Who the document really belongs to. `unknown`: a mislabelled file, which only a person can resolve. */
export type Truth =
  { kind: 'existing'; patientId: string; expediente: string } | { kind: 'new' } | { kind: 'unknown' };

export interface LabelledQuery {
  category: NoiseCategory;
  query: NameQuery;
  truth: Truth;
  /** What was done to the name, for failure messages. */
  note: string;
  /** For new_patient_several_documents: the documents of one new patient share this group. */
  group?: string;
}

export interface LabelledQueryOptions {
  seed: number;
  /** Number of patients in the synthetic registry (indexes 0…size−1). */
  registrySize: number;
  perCategory: number;
  categories?: readonly NoiseCategory[];
}

type Name = Pick<NameQuery, 'apellidoPaterno' | 'apellidoMaterno' | 'nombres'>;
type Noise = (name: Name, random: Random) => Name | null;

const ACCENTED: ReadonlyMap<string, string> = new Map(
  (
    'HERNÁNDEZ GARCÍA MARTÍNEZ LÓPEZ GONZÁLEZ RODRÍGUEZ PÉREZ SÁNCHEZ RAMÍREZ GÓMEZ VÁZQUEZ JIMÉNEZ DÍAZ ' +
    'GUTIÉRREZ ÁLVAREZ MÉNDEZ CHÁVEZ JUÁREZ DOMÍNGUEZ GUZMÁN VELÁZQUEZ MUÑOZ TREVIÑO CANTÚ PEÑA NÚÑEZ IBÁÑEZ ' +
    'GALVÁN SEPÚLVEDA LEÓN RÍOS SOLÍS JOSÉ MARÍA JESÚS RAÚL ÁNGEL HÉCTOR MARTÍN ANDRÉS SEBASTIÁN RAMÓN RUBÉN ' +
    'TOMÁS JOAQUÍN ADRIÁN IVÁN VÍCTOR SAÚL DARÍO VERÓNICA MÓNICA SOFÍA LUCÍA ROCÍO ANGÉLICA ÁNGELES'
  )
    .split(' ')
    .map((word) => [stripAllMarks(word), word] as const),
);

export function stripAllMarks(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

function mapWords(name: Name, change: (word: string) => string): Name {
  const apply = (text: string) => text.split(' ').map(change).join(' ');
  return {
    apellidoPaterno: apply(name.apellidoPaterno),
    apellidoMaterno: apply(name.apellidoMaterno),
    nombres: apply(name.nombres),
  };
}

function sameName(a: Name, b: Name): boolean {
  return (
    a.apellidoPaterno === b.apellidoPaterno &&
    a.apellidoMaterno === b.apellidoMaterno &&
    a.nombres === b.nombres
  );
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One keystroke in one word of one field: substitution, insertion, deletion or adjacent swap. */
export function typoIn(word: string, random: Random): string {
  const i = random.int(word.length);
  switch (random.int(4)) {
    case 0: {
      let letter = random.pick([...LETTERS]);
      while (letter === word[i]) letter = random.pick([...LETTERS]);
      return word.slice(0, i) + letter + word.slice(i + 1);
    }
    case 1:
      return word.slice(0, i) + random.pick([...LETTERS]) + word.slice(i);
    case 2:
      return word.length > 2 ? word.slice(0, i) + word.slice(i + 1) : word + random.pick([...LETTERS]);
    default: {
      const j = Math.min(i, word.length - 2);
      return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2);
    }
  }
}

const ABBREVIATIONS: ReadonlyArray<readonly [RegExp, string[]]> = [
  [/^MAR[IÍ]A\b/, ['MA.', 'MA', 'Mª']],
  [/^JOS[EÉ](?= )/, ['J.']],
  [/\bGUADALUPE\b/, ['GPE.', 'GPE']],
  [/^FRANCISCO\b/, ['FCO.', 'FCO']],
  [/\bMAR[IÍ]A\b/, ['MA.']],
];
const SURNAME_ABBREVIATIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^GONZ[AÁ]LEZ$/, 'GZZ'],
  [/^HERN[AÁ]NDEZ$/, 'HDZ'],
  [/^MART[IÍ]NEZ$/, 'MTZ'],
  [/^RODR[IÍ]GUEZ$/, 'RDZ'],
];

const NOISES: Record<(typeof LIGHT_NOISE_CATEGORIES)[number], Noise> = {
  exact: (name) => name,
  accents: (name) => {
    const stripped = mapWords(name, stripAllMarks);
    if (!sameName(stripped, name)) return stripped;
    const added = mapWords(name, (word) => ACCENTED.get(word) ?? word);
    return sameName(added, name) ? null : added;
  },
  typo: (name, random) => {
    const fields = (['apellidoPaterno', 'apellidoMaterno', 'nombres'] as const).filter((f) => name[f] !== '');
    const field = random.pick(fields);
    const words = stripAllMarks(name[field]).split(' ');
    const target = random.int(words.length);
    words[target] = typoIn(words[target]!, random);
    return { ...name, [field]: words.join(' ') };
  },
  missing_materno: (name) => (name.apellidoMaterno === '' ? null : { ...name, apellidoMaterno: '' }),
  dropped_given_name: (name) => {
    const words = name.nombres.split(' ');
    if (words.length < 2) return null;
    // Drop the second name with its particles: MARIA DE LOS ANGELES → MARIA.
    return { ...name, nombres: words[0]! };
  },
  abbreviation: (name, random) => {
    for (const [pattern, forms] of ABBREVIATIONS) {
      if (pattern.test(name.nombres))
        return { ...name, nombres: name.nombres.replace(pattern, random.pick(forms)) };
    }
    for (const field of ['apellidoPaterno', 'apellidoMaterno'] as const) {
      for (const [pattern, short] of SURNAME_ABBREVIATIONS) {
        if (pattern.test(name[field])) return { ...name, [field]: short };
      }
    }
    return null;
  },
  swapped_surnames: (name) =>
    name.apellidoMaterno === ''
      ? null
      : { ...name, apellidoPaterno: name.apellidoMaterno, apellidoMaterno: name.apellidoPaterno },
  particle: (name, random) => {
    for (const field of ['apellidoPaterno', 'apellidoMaterno'] as const) {
      const words = name[field].split(' ');
      const particles = words.filter((w) => /^(DE|DEL|LA|LOS|LAS)$/.test(w));
      if (particles.length === 0) continue;
      const variant = random.chance(0.5)
        ? words.filter((w) => !particles.includes(w)).join(' ')
        : words.join('');
      return { ...name, [field]: variant };
    }
    return null;
  },
};

/** An expediente one keystroke off: a digit changed or two neighbours swapped. */
export function expedienteTypo(expediente: string, random: Random): string {
  for (;;) {
    const i = random.int(expediente.length);
    let changed: string;
    if (random.chance(0.5) && i + 1 < expediente.length) {
      changed = expediente.slice(0, i) + expediente[i + 1] + expediente[i] + expediente.slice(i + 2);
    } else {
      changed = expediente.slice(0, i) + String(random.int(10)) + expediente.slice(i + 1);
    }
    // The first digit stays: a leading 0 would be a different length once trimmed by some systems.
    if (changed !== expediente && changed[0] === expediente[0]) return changed;
  }
}

function query(expediente: string, name: Name): NameQuery {
  return {
    expediente,
    apellidoPaterno: name.apellidoPaterno,
    apellidoMaterno: name.apellidoMaterno,
    nombres: name.nombres,
  };
}

/**
 * Labelled filenames against the synthetic registry of `seed` and `registrySize`. Deterministic.
 * New patients come from indexes past the registry, so their names follow the same distribution.
 */
export function generateLabelledQueries(options: LabelledQueryOptions): LabelledQuery[] {
  const { seed, registrySize, perCategory } = options;
  const random = createRandom(mixSeed(seed, 0x51ab));
  const existing = () => syntheticPatient(seed, random.int(registrySize));
  let nextNewIndex = registrySize + 1_000_000;
  const newPatient = () => syntheticPatient(seed, nextNewIndex++);
  const out: LabelledQuery[] = [];
  for (const category of options.categories ?? NOISE_CATEGORIES) {
    for (let n = 0; n < perCategory; n++) out.push(...generateOne(category));
  }
  return out;

  function generateOne(category: NoiseCategory): LabelledQuery[] {
    if (category in NOISES) {
      const noise = NOISES[category as keyof typeof NOISES];
      for (let attempt = 0; attempt < 1000; attempt++) {
        const patient = existing();
        const noisy = noise(patient, random);
        if (noisy === null) continue;
        const note = `${describe(patient)} → ${describe(noisy)}`;
        return [{ category, query: query(patient.expediente, noisy), truth: existingTruth(patient), note }];
      }
      throw new Error(`no patient fits noise category ${category}`);
    }
    switch (category) {
      case 'expediente_typo': {
        const patient = existing();
        const expediente = expedienteTypo(patient.expediente, random);
        const note = `${patient.expediente} → ${expediente}`;
        return [{ category, query: query(expediente, patient), truth: existingTruth(patient), note }];
      }
      case 'mislabelled': {
        const owner = existing();
        let other = existing();
        while (other.id === owner.id) other = existing();
        const note = `${owner.expediente} (${describe(owner)}) with ${describe(other)}`;
        return [{ category, query: query(owner.expediente, other), truth: { kind: 'unknown' }, note }];
      }
      case 'homonym_new_expediente': {
        const namesake = existing();
        const expediente = expedienteAt(nextNewIndex++);
        const note = `${describe(namesake)} under new ${expediente}`;
        return [{ category, query: query(expediente, namesake), truth: { kind: 'new' }, note }];
      }
      case 'brand_new': {
        const patient = newPatient();
        return [
          {
            category,
            query: query(patient.expediente, patient),
            truth: { kind: 'new' },
            note: describe(patient),
          },
        ];
      }
      case 'new_patient_several_documents': {
        const patient = newPatient();
        const documents = 2 + random.int(3);
        return Array.from({ length: documents }, () => ({
          category,
          query: query(patient.expediente, patient),
          truth: { kind: 'new' } as const,
          note: describe(patient),
          group: patient.expediente,
        }));
      }
      default:
        throw new Error(`unknown category ${category}`);
    }
  }
}

function existingTruth(patient: PatientRecord): Truth {
  // The expediente too: a database assigns its own ids, so a DB-backed benchmark grades by expediente.
  return { kind: 'existing', patientId: patient.id, expediente: patient.expediente };
}

function describe(name: Name): string {
  return `${[name.apellidoPaterno, name.apellidoMaterno].filter(Boolean).join(' ')}, ${name.nombres}`;
}

export { stripAccents };
