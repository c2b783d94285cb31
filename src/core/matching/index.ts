export * from './types.js';
export { foldText, foldWords } from './fold-text.js';
export { phoneticCode } from './phonetic-code.js';
export {
  normalizeName,
  normalizeSurname,
  normalizeGivenNames,
  type NormalizedName,
  type SurnameForm,
  type GivenNameToken,
} from './normalize-name.js';
export {
  compareNames,
  compareSurnames,
  compareGivenNames,
  isGenderPair,
  type NameKnowledge,
} from './compare-names.js';
export {
  patientBlockingKeys,
  queryBlockingKeys,
  tokenFrequencyKeys,
  isFrequencyKey,
  CANDIDATE_KEY_PREFIXES,
  FREQUENCY_KEY_PREFIX,
} from './blocking-keys.js';
export { isNearExpediente, nearExpedientes } from './near-expediente.js';
export { matchPatient, resolveThresholds, DEFAULT_THRESHOLDS, MATCHING_ALGORITHM } from './match-patient.js';
export {
  levenshteinRatio,
  jaroWinkler,
  tokenSortRatio,
  wordIntersection,
  isOneEdit,
  gradedSimilarity,
} from './string-similarity.js';
export { judgeSamePerson, isClearlyAnotherPerson, type PersonJudgement } from './same-person.js';
