import type { PatientRecord } from '../../../../src/core/matching/types.js';
import { createRandom, mixSeed, type Random } from './seeded-random.js';

/**
 * Synthetic Mexican names with roughly realistic frequencies: a head of common surnames (HERNANDEZ about
 * 6 %, GARCIA 4.5 %…, Monterrey's GARZA/TREVIÑO/VILLARREAL), particle surnames, and a long tail of
 * invented surnames, so that a large registry has both crowds of homonyms and rare names. All invented.
 */
export const COMMON_SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['HERNÁNDEZ', 60],
  ['GARCÍA', 45],
  ['MARTÍNEZ', 40],
  ['LÓPEZ', 37],
  ['GONZÁLEZ', 34],
  ['RODRÍGUEZ', 25],
  ['PÉREZ', 22],
  ['SÁNCHEZ', 20],
  ['RAMÍREZ', 20],
  ['CRUZ', 15],
  ['FLORES', 14],
  ['GÓMEZ', 14],
  ['MORALES', 12],
  ['VÁZQUEZ', 11],
  ['REYES', 11],
  ['JIMÉNEZ', 10],
  ['TORRES', 10],
  ['DÍAZ', 9],
  ['GUTIÉRREZ', 9],
  ['RUIZ', 8],
  ['MENDOZA', 8],
  ['AGUILAR', 8],
  ['ORTIZ', 7],
  ['MORENO', 7],
  ['CASTILLO', 7],
  ['ROMERO', 6],
  ['ÁLVAREZ', 6],
  ['MÉNDEZ', 6],
  ['CHÁVEZ', 6],
  ['RIVERA', 6],
  ['JUÁREZ', 5],
  ['RAMOS', 5],
  ['DOMÍNGUEZ', 5],
  ['HERRERA', 5],
  ['MEDINA', 5],
  ['CASTRO', 5],
  ['VARGAS', 4],
  ['GUZMÁN', 4],
  ['VELÁZQUEZ', 4],
  ['MUÑOZ', 4],
  ['ROJAS', 4],
  ['CONTRERAS', 4],
  ['SALAZAR', 4],
  ['LUNA', 4],
  ['ORTEGA', 4],
  ['GUERRERO', 4],
  ['ESTRADA', 3],
  ['GARZA', 6],
  ['TREVIÑO', 4],
  ['VILLARREAL', 4],
  ['CANTÚ', 3],
  ['ELIZONDO', 3],
  ['SALINAS', 3],
  ['CAVAZOS', 2],
  ['TIJERINA', 2],
  ['LEAL', 2],
  ['PEÑA', 3],
  ['NÚÑEZ', 3],
  ['IBÁÑEZ', 1],
  ['MONTEMAYOR', 2],
  ['SEPÚLVEDA', 2],
  ['ZAMBRANO', 2],
  ['GALVÁN', 2],
  ['RÍOS', 3],
  ['LEÓN', 3],
  ['SOTO', 3],
  ['LARA', 3],
  ['VEGA', 3],
  ['MEZA', 2],
  ['SOSA', 2],
  ['ROSAS', 2],
  ['SOLÍS', 2],
  ['ACOSTA', 2],
  ['ROSALES', 2],
  ['DE LA GARZA', 2],
  ['DE LA CRUZ', 3],
  ['DEL RÍO', 1],
  ['DE LOS SANTOS', 1],
  ['DE LEÓN', 2],
  ['DE LA FUENTE', 1],
];

const TAIL_START = [
  'AL',
  'BA',
  'CA',
  'DO',
  'ES',
  'FA',
  'GA',
  'IR',
  'LO',
  'MA',
  'NA',
  'OL',
  'PA',
  'QUI',
  'RE',
  'SA',
  'TA',
  'UR',
  'VA',
  'ZA',
];
const TAIL_MIDDLE = ['BE', 'DI', 'GO', 'LA', 'MI', 'NO', 'RI', 'TO', 'VE', 'ZU', 'CHA', 'LLE'];
const TAIL_END = ['RRA', 'NDEZ', 'LES', 'RTE', 'GA', 'NO', 'DA', 'LLO', 'RAS', 'ZAR', 'TIN', 'GUI'];
/** Share of surnames drawn from the invented tail rather than the common list. */
const TAIL_SHARE = 0.4;

export const MALE_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['JOSÉ', 50],
  ['JUAN', 40],
  ['LUIS', 25],
  ['CARLOS', 22],
  ['JESÚS', 20],
  ['MIGUEL', 18],
  ['ANTONIO', 16],
  ['FRANCISCO', 16],
  ['ALEJANDRO', 14],
  ['JORGE', 12],
  ['PEDRO', 8],
  ['MANUEL', 10],
  ['RICARDO', 8],
  ['FERNANDO', 8],
  ['ROBERTO', 8],
  ['DANIEL', 8],
  ['EDUARDO', 8],
  ['JAVIER', 7],
  ['RAFAEL', 6],
  ['SERGIO', 6],
  ['ARTURO', 6],
  ['MARIO', 5],
  ['DAVID', 6],
  ['RAÚL', 5],
  ['HÉCTOR', 5],
  ['ENRIQUE', 5],
  ['OSCAR', 4],
  ['GERARDO', 4],
  ['ALBERTO', 5],
  ['VÍCTOR', 4],
  ['MARTÍN', 4],
  ['ÁNGEL', 5],
  ['GUILLERMO', 4],
  ['ANDRÉS', 3],
  ['SANTIAGO', 4],
  ['DIEGO', 4],
  ['EMILIANO', 3],
  ['SEBASTIÁN', 3],
  ['RODRIGO', 3],
  ['ADRIÁN', 3],
  ['IVÁN', 2],
  ['RAMÓN', 3],
  ['RUBÉN', 3],
  ['TOMÁS', 2],
  ['JOAQUÍN', 2],
  ['GABRIEL', 3],
  ['SAÚL', 1],
  ['DARÍO', 1],
];
export const FEMALE_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['MARÍA', 60],
  ['GUADALUPE', 20],
  ['ANA', 14],
  ['JUANA', 8],
  ['ROSA', 8],
  ['MARGARITA', 7],
  ['VERÓNICA', 6],
  ['ELIZABETH', 6],
  ['LETICIA', 5],
  ['PATRICIA', 7],
  ['GABRIELA', 6],
  ['ALEJANDRA', 7],
  ['LAURA', 6],
  ['CLAUDIA', 5],
  ['ADRIANA', 5],
  ['SILVIA', 5],
  ['MARTHA', 5],
  ['ELENA', 4],
  ['TERESA', 4],
  ['SOFÍA', 5],
  ['XIMENA', 3],
  ['VALENTINA', 3],
  ['FERNANDA', 4],
  ['DANIELA', 4],
  ['ANDREA', 4],
  ['MÓNICA', 4],
  ['LORENA', 3],
  ['SANDRA', 3],
  ['ESTHER', 3],
  ['ALICIA', 3],
  ['BEATRIZ', 3],
  ['CRISTINA', 3],
  ['LUCÍA', 3],
  ['ROCÍO', 3],
  ['YOLANDA', 3],
  ['ANGÉLICA', 3],
  ['FRANCISCA', 2],
  ['ANTONIA', 2],
  ['CAMILA', 3],
  ['REGINA', 2],
  ['PAOLA', 3],
  ['IRMA', 2],
];
/** Compound given names written with particles, as registrars do. */
const FEMALE_COMPOUNDS: ReadonlyArray<readonly [string, number]> = [
  ['MARÍA DEL CARMEN', 10],
  ['MARÍA DE LOURDES', 6],
  ['MARÍA DE JESÚS', 5],
  ['MARÍA DE LOS ÁNGELES', 5],
  ['MARÍA GUADALUPE', 12],
  ['MARÍA FERNANDA', 6],
  ['MARÍA JOSÉ', 5],
  ['ANA MARÍA', 4],
];
const MALE_COMPOUNDS: ReadonlyArray<readonly [string, number]> = [
  ['JOSÉ LUIS', 10],
  ['JUAN CARLOS', 10],
  ['JOSÉ ANTONIO', 6],
  ['JUAN JOSÉ', 5],
  ['JOSÉ MARÍA', 2],
  ['JUAN DE DIOS', 2],
  ['FRANCISCO JAVIER', 5],
  ['MIGUEL ÁNGEL', 8],
  ['JOSÉ DE JESÚS', 3],
];

/** Expedientes are 10 digits with gaps (stride 3), like a registry with archived numbers in between. */
export const EXPEDIENTE_BASE = 3_000_000_000;
export const EXPEDIENTE_STRIDE = 3;

export function expedienteAt(index: number): string {
  return String(EXPEDIENTE_BASE + index * EXPEDIENTE_STRIDE + 1);
}

function tailSurname(random: Random): string {
  return random.pick(TAIL_START) + random.pick(TAIL_MIDDLE) + random.pick(TAIL_END);
}

export function randomSurname(random: Random): string {
  return random.chance(TAIL_SHARE) ? tailSurname(random) : random.weighted(COMMON_SURNAMES);
}

export function randomGivenNames(random: Random, sex: 'M' | 'F'): string {
  const roll = random.next();
  const singles = sex === 'F' ? FEMALE_NAMES : MALE_NAMES;
  if (roll < 0.2) return random.weighted(sex === 'F' ? FEMALE_COMPOUNDS : MALE_COMPOUNDS);
  if (roll < 0.5) {
    const first = random.weighted(singles);
    let second = random.weighted(singles);
    while (second === first) second = random.weighted(singles);
    return `${first} ${second}`;
  }
  return random.weighted(singles);
}

/** Registry systems differ: about half the rows were keyed without accents. */
export function stripAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0301\u0308]/g, '')
    .normalize('NFC');
}

/**
 * The patient at `index` of the synthetic registry of `seed`: a pure function of its arguments, so a
 * benchmark can stream a million patients and later regenerate any one of them without storing them.
 * Indexes at or beyond the registry size are the "new patients" that the registry does not hold.
 * Every 50th patient (index ≡ 7 mod 50) is a homonym of the patient 7 places before.
 */
export function syntheticPatient(seed: number, index: number): PatientRecord {
  const random = createRandom(mixSeed(seed, index));
  const nameSource = index % 50 === 7 && index >= 7 ? createRandom(mixSeed(seed, index - 7)) : random;
  const sex = nameSource.chance(0.5) ? 'F' : 'M';
  const paterno = randomSurname(nameSource);
  const materno = nameSource.chance(0.02) ? '' : randomSurname(nameSource);
  const nombres = randomGivenNames(nameSource, sex);
  const accented = random.chance(0.5);
  const write = (text: string) => (accented ? text : stripAccents(text));
  return {
    id: `p${index}`,
    expediente: expedienteAt(index),
    apellidoPaterno: write(paterno),
    apellidoMaterno: write(materno),
    nombres: write(nombres),
    sexo: sex,
  };
}
