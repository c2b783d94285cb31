/** The fields of a registry name, as the registry and a parsed filename both carry them. */
export interface PatientNameParts {
  apellidoPaterno: string;
  apellidoMaterno: string;
  nombres: string;
}

/** `APELLIDO_PATERNO APELLIDO_MATERNO, NOMBRES`, the way the hospital writes a name (no materno: no gap). */
export function formatPatientName(name: PatientNameParts): string {
  const surnames = name.apellidoMaterno
    ? `${name.apellidoPaterno} ${name.apellidoMaterno}`
    : name.apellidoPaterno;
  return `${surnames}, ${name.nombres}`;
}
