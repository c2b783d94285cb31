import type { PatientInput } from '../../../core/registry/registry-row.js';
import type { Patient, PatientSource } from '../../schema.js';

/** A registry row as the stored patient it becomes. */
export function toPatient(
  id: string,
  row: PatientInput,
  source: PatientSource,
  createdAt: string,
  updatedAt: string,
): Patient {
  return {
    id,
    expediente: row.expediente,
    apellidoPaterno: row.apellidoPaterno,
    apellidoMaterno: row.apellidoMaterno,
    nombres: row.nombres,
    fechaNacimiento: row.fechaNacimiento ?? null,
    sexo: row.sexo ?? null,
    source,
    createdAt,
    updatedAt,
  };
}
