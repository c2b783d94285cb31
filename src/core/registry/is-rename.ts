import { foldText } from '../matching/fold-text.js';
import { formatPatientName, type PatientNameParts } from './patient-name.js';

/**
 * Whether a registry update gives a patient another name, rather than writing the same one differently.
 * Case, accents, punctuation and spacing are spelling (GARCIA LOPEZ → GARCÍA LÓPEZ, DE LA O → DE-LA-O),
 * and so is where the paterno/materno split falls; any other change of letters is a rename, typos
 * included: which person a patient's documents belong to is not the importer's to change silently.
 */
export function isRename(before: PatientNameParts, after: PatientNameParts): boolean {
  return foldedName(before) !== foldedName(after);
}

function foldedName(name: PatientNameParts): string {
  return foldText(formatPatientName(name));
}
