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

/** What a reviewer read of a patient: the number, the name, and the birth date and sex where known. */
export interface ReadIdentity extends PatientNameParts {
  expediente: string;
  fechaNacimiento?: string | null;
  sexo?: string | null;
}

export type IdentityField = 'expediente' | 'name' | 'birth_date' | 'sex';

/**
 * What the registry changed of a patient since a reviewer read it (a registry import, `--allow-rename`): the
 * number, the name (spelling alone is not a change, as for isRename), the birth date or the sex; empty when
 * nothing. An attach decided on what was read must not land on a patient who no longer reads that way.
 */
export function identityChangesSince(read: ReadIdentity, now: ReadIdentity): IdentityField[] {
  const changed: IdentityField[] = [];
  if (read.expediente !== now.expediente) changed.push('expediente');
  if (isRename(read, now)) changed.push('name');
  if (known(read.fechaNacimiento) !== known(now.fechaNacimiento)) changed.push('birth_date');
  if (known(read.sexo) !== known(now.sexo)) changed.push('sex');
  return changed;
}

function known(value: string | null | undefined): string | null {
  const trimmed = value?.trim().toUpperCase();
  return trimmed ? trimmed : null;
}
