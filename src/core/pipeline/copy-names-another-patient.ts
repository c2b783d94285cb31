import { parseFilename } from '../filename/parse-filename.js';

/** Content already filed: the name of the file that brought it, and the expediente it is attached to if any. */
export interface FiledContent {
  filename: string;
  expediente?: string | null;
}

/**
 * A file whose bytes are already filed — ingested, waiting for review, or taken by another file of the
 * batch — is only a harmless duplicate when it names the same person. When its expediente is neither the
 * one the earlier file's name gave nor the one of the patient the document is attached to (a reviewer may
 * have settled a typo), one of the two names is wrong: treating the copy as done would leave a document
 * under one patient with nobody told that another patient's name was on it too.
 *
 * Returns the expedientes the content is filed under when the copy names none of them, or null when the
 * copy agrees (or nothing is known to compare it with).
 */
export function expedientesOfOtherPatient(copyExpediente: string, filed: FiledContent): string[] | null {
  const parsed = parseFilename(filed.filename);
  const known = new Set<string>();
  if (parsed.ok) known.add(parsed.parsed.expediente);
  if (filed.expediente) known.add(filed.expediente);
  if (known.size === 0 || known.has(copyExpediente)) return null;
  return [...known];
}
