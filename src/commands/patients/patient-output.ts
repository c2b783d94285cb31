import { formatPatientName } from '../../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import type { Patient } from '../../db/schema.js';
import { readNumberSetting } from '../../config/number-setting.js';
import { writeLine, type CommandIo } from '../shared/io.js';
import type { CommandWords } from '../../ui/i18n/command-words.js';

export function toPatientJson(patient: Patient) {
  return {
    id: patient.id,
    expediente: patient.expediente,
    apellido_paterno: patient.apellidoPaterno,
    apellido_materno: patient.apellidoMaterno,
    nombres: patient.nombres,
    fecha_nacimiento: patient.fechaNacimiento,
    sexo: patient.sexo,
    source: patient.source,
    created_at: patient.createdAt,
    updated_at: patient.updatedAt,
  };
}

/**
 * One line per patient. A patient the registry has not vouched for (an ingest or a review created it from a
 * file name) says so: its name is only what a file said.
 */
export function writePatientTable(
  io: CommandIo,
  patients: Patient[],
  words: Pick<CommandWords['patients'], 'source'>,
): void {
  for (const p of patients) {
    const origin = p.source === 'registry_import' ? '' : `  (${words.source(p.source)})`;
    writeLine(io.stdout, `${p.expediente.padEnd(13)} ${sanitizeForTerminal(formatPatientName(p))}${origin}`);
  }
}

export function parseCount(value: string, flag: string, min: 0 | 1): number {
  return readNumberSetting(value, flag, { kind: 'whole', min });
}
