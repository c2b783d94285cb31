export * from './types.js';
export { readContentIdentity, isIdentityAbsent } from './read-content-identity.js';
export { readNameWords } from './read-name-words.js';
export { readDate } from './read-date.js';
export {
  birthDateReadings,
  crossCheckContent,
  contentLookupQueries,
  type ContentLookup,
  type CrossCheckContentInput,
  type CrossCheckContentResult,
} from './cross-check-content.js';
