import { closestChoice } from '../core/text/closest-choice.js';

/** The TECSALUD_* variables a person sets (README, Backends and configuration); a misspelling is matched to these. */
export const ENVIRONMENT_SETTINGS = [
  'TECSALUD_DB',
  'TECSALUD_DB_TIMEOUT',
  'TECSALUD_VECTOR_STORE',
  'TECSALUD_COLLECTION',
  'TECSALUD_CHROMA_TIMEOUT',
  'TECSALUD_EMBEDDER',
  'TECSALUD_EMBEDDING_MODEL',
  'TECSALUD_EMBEDDING_DIMENSIONS',
  'TECSALUD_EMBEDDING_TIMEOUT',
  'TECSALUD_OCR',
  'TECSALUD_OCR_ENGINE',
] as const;

/** Set by the tool for its own child processes: read, so never "unknown", but nothing to suggest to a person. */
const INTERNAL_VARIABLES = [
  'TECSALUD_PDFIUM_MAX_MEMORY_MB',
  'TECSALUD_OCR_MEMORY_LIMIT_MB',
  'TECSALUD_PDFTOTEXT_COPROCESS',
];

/** The test suite's and the bench's own switches (TECSALUD_TEST_POSTGRES…): the CLIs they spawn inherit them. */
const DEVELOPMENT_PREFIXES = ['TECSALUD_TEST_', 'TECSALUD_BENCH_', 'TECSALUD_CAPTURE_'];

export interface UnknownVariable {
  name: string;
  /** The known variable it most likely meant, or null when none is close. */
  near: string | null;
}

/**
 * The TECSALUD_* variables of `env` that the tool does not read (in any case: `tecsalud_db` is not TECSALUD_DB
 * to the environment either). A misspelled one is otherwise ignored without a word, and a cron job runs for months
 * with the default it was meant to change; unlike an unknown key of the config file (refused: the file is the
 * tool's own), a variable may be exported for anything, so it is a warning and the run goes on.
 */
export function findUnknownVariables(env: NodeJS.ProcessEnv): UnknownVariable[] {
  const known = new Set<string>([...ENVIRONMENT_SETTINGS, ...INTERNAL_VARIABLES]);
  return Object.keys(env)
    .filter((name) => /^TECSALUD_/i.test(name) && !known.has(name))
    .filter((name) => !DEVELOPMENT_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => ({ name, near: nearestSetting(name) }));
}

/** Compared without the prefix every candidate shares, so that the prefix does not make any two names look alike. */
function nearestSetting(name: string): string | null {
  const suffixes = ENVIRONMENT_SETTINGS.map((setting) => setting.slice('TECSALUD_'.length));
  const near = closestChoice(name.slice('TECSALUD_'.length), suffixes);
  return near === null ? null : `TECSALUD_${near}`;
}
