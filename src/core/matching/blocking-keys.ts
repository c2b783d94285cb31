import type { NameQuery } from './types.js';

type NameFields = Pick<NameQuery, 'apellidoPaterno' | 'apellidoMaterno' | 'nombres'>;

/** Placeholder until the matching module lands: keys under which a patient is indexed for candidate retrieval. */
export function patientBlockingKeys(name: NameFields): string[] {
  const paterno = name.apellidoPaterno.trim().toUpperCase();
  return paterno ? [`p:${paterno}`] : [];
}
