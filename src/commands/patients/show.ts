import { Command } from '@commander-js/extra-typings';
import { isExpediente } from '../../core/registry/registry-row.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { ExitCode, UsageError } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWordsFor } from '../../ui/i18n/command-words.js';
import { resolveLanguage } from '../../ui/i18n/language.js';
import { formatCalendarDate, formatLocalTimestamp } from '../../ui/format.js';
import { configOption, dbOption, jsonOption, langOption } from '../shared/options.js';
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
    .addOption(jsonOption())
    .addOption(langOption());
}

export type ShowPatientOptions = ReturnType<ReturnType<typeof patientsShowOptions>['opts']>;

export async function showPatient(
  expediente: string,
  options: ShowPatientOptions,
  context: CommandContext,
): Promise<number> {
  // Every registry patient has one (import refuses others): anything else is a typo or a name, not "no patient".
  if (!isExpediente(expediente.trim())) {
    // Digits are part of an expediente someone half remembers or copied short: search finds them inside one.
    const digits = /^\d+$/.test(expediente.trim()) ? expediente.trim() : null;
    throw new UsageError(
      `'${sanitizeForTerminal(expediente)}' is not an expediente (8 to 12 digits)`,
      digits
        ? `to find the expedientes that contain these digits: tecsalud-batch patients search ${digits}`
        : 'to find a patient by name: tecsalud-batch patients search "NAME"',
    );
  }
  const { expedientesOfTheSameNumber, findPatientWithDocuments } = await import('../../app/patients.js');
  const found = await findPatientWithDocuments(context, expediente.trim());
  if (!found) {
    // A number copied with a leading zero too many, or from a sheet that dropped them, is named, never
    // shown in its place: which of two expedientes a person meant is theirs to say.
    const sameNumber = await expedientesOfTheSameNumber(context, expediente.trim());
    throw new UsageError(
      `no patient with expediente '${sanitizeForTerminal(expediente)}'`,
      sameNumber.length > 0
        ? `the registry has the same number with other leading zeros: ${sameNumber.join(', ')}; ` +
            `if that is the one: tecsalud-batch patients show ${sameNumber[0]}`
        : 'try `tecsalud-batch patients search "NAME"`',
    );
  }
  const { patient, documents } = found;
  if (options.json) {
    writeJson(context.io, {
      ...toPatientJson(patient),
      documents: documents.map((d) => ({
        document_id: d.id,
        filename: d.filename,
        document_type: d.documentType,
        numero: d.numero,
        pages: d.pages,
        session_id: d.batchId,
        created_at: d.createdAt,
      })),
    });
  } else {
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const { label, source } = commandWordsFor(lang).patients;
    const rows: [string, string][] = [
      [label('expediente'), patient.expediente],
      [label('paterno'), patient.apellidoPaterno],
      [label('materno'), patient.apellidoMaterno || '—'],
      [label('nombres'), patient.nombres],
      [label('born'), patient.fechaNacimiento ? formatCalendarDate(patient.fechaNacimiento, lang) : '—'],
      [label('sex'), patient.sexo ?? '—'],
      [label('source'), source(patient.source)],
      [label('created'), formatLocalTimestamp(patient.createdAt, lang)],
      [label('updated'), formatLocalTimestamp(patient.updatedAt, lang)],
    ];
    for (const [name, value] of rows)
      writeLine(context.io.stdout, `${name.padEnd(20)} ${sanitizeForTerminal(value)}`);
    // The ids `documents move` and `documents detach` take.
    writeLine(context.io.stdout, `${label('documents').padEnd(20)} ${documents.length}`);
    for (const d of documents) {
      writeLine(
        context.io.stdout,
        `  ${d.id.slice(0, 8)}  ${formatLocalTimestamp(d.createdAt, lang, 'date')}  ${d.documentTypeCode.padEnd(4)} ${sanitizeForTerminal(d.filename)}`,
      );
    }
  }
  return ExitCode.Success;
}
