/** A patient as the matcher sees it: registry data only, no database types. */
export interface PatientRecord {
  id: string;
  expediente: string;
  apellidoPaterno: string;
  /** Empty string when the patient has a single surname. */
  apellidoMaterno: string;
  nombres: string;
  fechaNacimiento?: string | null;
  sexo?: string | null;
}

/** The name fields the matcher needs from a parsed filename (or any other source). */
export interface NameQuery {
  expediente: string;
  apellidoPaterno: string;
  apellidoMaterno: string;
  nombres: string;
}
