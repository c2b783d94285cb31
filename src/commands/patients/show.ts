import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { ExitCode, UsageError } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { configOption, dbOption, jsonOption } from '../shared/options.js';
import { toPatientJson } from './patient-output.js';

export function patientsShowCommand() {
  return patientsShowOptions().action(async (expediente, options, command) =>
      finish(command, await showPatient(expediente, options, contextOf(command))),
    );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function patientsShowOptions() {
  return new Command('show')
    .summary('show one patient by expediente')
    .argument('<expediente>')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption());
}

export type ShowPatientOptions = ReturnType<ReturnType<typeof patientsShowOptions>['opts']>;

export async function showPatient(
  expediente: string,
  options: ShowPatientOptions,
  context: CommandContext,
): Promise<number> {
  const { findPatient } = await import('../../app/patients.js');
  const patient = await findPatient(context, expediente.trim());
  if (!patient) {
    throw new UsageError(
      `no patient with expediente '${sanitizeForTerminal(expediente)}'`,
      'try `tecsalud-batch patients search "NAME"`',
    );
  }
  if (options.json) writeJson(context.io, toPatientJson(patient));
  else {
    const rows: [string, string][] = [
      ['expediente', patient.expediente],
      ['apellido paterno', patient.apellidoPaterno],
      ['apellido materno', patient.apellidoMaterno || '—'],
      ['nombres', patient.nombres],
      ['fecha de nacimiento', patient.fechaNacimiento ?? '—'],
      ['sexo', patient.sexo ?? '—'],
      ['source', patient.source],
      ['created', patient.createdAt],
      ['updated', patient.updatedAt],
    ];
    for (const [label, value] of rows) writeLine(context.io.stdout, `${label.padEnd(20)} ${sanitizeForTerminal(value)}`);
  }
  return ExitCode.Success;
}
