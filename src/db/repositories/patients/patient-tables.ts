/** The patient tables as the bulk writers address them (snake_case columns, conflict keys). */
export const PATIENTS_TABLE = {
  name: 'patients',
  sqlName: 'patients',
  columns: [
    'id',
    'expediente',
    'apellido_paterno',
    'apellido_materno',
    'nombres',
    'fecha_nacimiento',
    'sexo',
    'source',
    'created_at',
    'updated_at',
  ],
  conflictColumns: ['expediente'],
} as const;

export const BLOCKING_KEYS_TABLE = {
  name: 'patientBlockingKeys',
  sqlName: 'patient_blocking_keys',
  columns: ['key_hash', 'expediente_code'],
  conflictColumns: ['key_hash', 'expediente_code'],
} as const;

/** One row of `patient_blocking_keys`: a key's hash and an expediente's code (see blocking-key-codes). */
export interface KeyRow {
  keyHash: number;
  expedienteCode: number;
}
