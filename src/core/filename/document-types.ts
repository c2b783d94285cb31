import { foldAccents } from './fold-accents.js';
import { DOCUMENT_TYPES, type DocumentType } from './types.js';

/** The hospital service's own mapping from filename codes to document types. */
export const DOCUMENT_TYPE_BY_CODE: ReadonlyMap<string, DocumentType> = new Map<string, DocumentType>([
  ['CONS', 'consultation'],
  ['EMER', 'emergency'],
  ['URG', 'emergency'],
  ['LAB', 'lab_results'],
  ['LABO', 'lab_results'],
  ['IMG', 'imaging'],
  ['RX', 'imaging'],
  ['TAC', 'imaging'],
  ['RMN', 'imaging'],
  ['ECO', 'imaging'],
  ['PRESC', 'prescription'],
  ['REC', 'prescription'],
  ['ALTA', 'discharge'],
  ['EGRESO', 'discharge'],
  ['CIR', 'surgery'],
  ['CIRUGIA', 'surgery'],
  ['PROC', 'surgery'],
  ['OTROS', 'other'],
  ['MISC', 'other'],
  ['GEN', 'other'],
]);

/** True when the code (any case, accents ignored) is one the service maps explicitly. */
export function isKnownDocumentTypeCode(code: string): boolean {
  return DOCUMENT_TYPE_BY_CODE.has(documentTypeLookupKey(code));
}

/**
 * Unknown codes map to `other` rather than failing: a new code from the scanning room should not stop
 * a batch, and the parser keeps the raw code so nothing is lost.
 */
export function documentTypeFromCode(code: string): DocumentType {
  return DOCUMENT_TYPE_BY_CODE.get(documentTypeLookupKey(code)) ?? 'other';
}

function documentTypeLookupKey(code: string): string {
  return foldAccents(code.trim().toUpperCase());
}

/**
 * The document type a person names: by the type's own name (`lab_results`) or by a filename's code the service
 * maps (`LAB`, any case); null for anything else (an unknown code is not `other` here: it names nothing).
 */
export function documentTypeNamed(text: string): DocumentType | null {
  const name = text.trim().toLowerCase();
  if ((DOCUMENT_TYPES as readonly string[]).includes(name)) return name as DocumentType;
  return isKnownDocumentTypeCode(text) ? documentTypeFromCode(text) : null;
}
