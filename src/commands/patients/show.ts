import { Command } from '@commander-js/extra-typings';
import { expedienteProblem, parseFilename } from '../../core/filename/parse-filename.js';
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

const NAME_SEARCH_HINT = 'to find a patient by name: tecsalud-batch patients search "NAME"';

function sameNumberHint(expedientes: string[]): string {
  return (
    `the registry has the same number with other leading zeros: ${expedientes.join(', ')}; ` +
    `if that is the one: tecsalud-batch patients show ${expedientes[0]}`
  );
}

/**
 * Every registry patient has an expediente (the import refuses others), so anything else is a name, a typo, a
 * file name or another number pasted by mistake, not "no patient": said as the parser says it of a file name's
 * expediente, with where that patient is found.
 */
async function notAnExpediente(given: string, context: CommandContext): Promise<UsageError> {
  const shown = sanitizeForTerminal(given);
  if (!/\d/.test(given))
    return new UsageError(`'${shown}' is not an expediente (8 to 12 digits)`, NAME_SEARCH_HINT);
  // Digits are part of an expediente someone half remembers or copied short: search finds them inside one.
  if (/^\d{1,7}$/.test(given)) {
    return new UsageError(
      `'${shown}' is not an expediente (8 to 12 digits)`,
      `to find the expedientes that contain these digits: tecsalud-batch patients search ${given}`,
    );
  }
  // A document's file name pasted whole: its first part is the expediente.
  const file = parseFilename(given);
  if (file.ok) {
    return new UsageError(
      `'${shown}' is a file name, not an expediente`,
      `the expediente it starts with: tecsalud-batch patients show ${file.parsed.expediente}`,
    );
  }
  const problem = sanitizeForTerminal(expedienteProblem(given)?.message ?? '');
  // 3000 768 077, 3000-768-077: grouped as a form prints it.
  const digits = given.replace(/[\s.-]/g, '');
  if (isExpediente(digits))
    return new UsageError(problem, `without them: tecsalud-batch patients show ${digits}`);
  if (/^\d+$/.test(given)) {
    // Zeros a system padded it with (the registry is asked), or another number (a document's, an account's).
    let sameNumber: string[] = [];
    if (given.startsWith('0')) {
      const { expedientesOfTheSameNumber } = await import('../../app/patients.js');
      sameNumber = await expedientesOfTheSameNumber(context, given);
    }
    return new UsageError(
      problem,
      sameNumber.length > 0
        ? sameNumberHint(sameNumber)
        : "a longer number is another one (a document's or an account's): the expediente is the first part of a " +
            `document's file name; ${NAME_SEARCH_HINT}`,
    );
  }
  // The ids `patients show` and `status --files` print (documents, sessions): the first 8 hex digits of one, or all of it.
  if (/^[0-9a-f]{8}(-[0-9a-f]{4}){0,3}(-[0-9a-f]{12})?$/i.test(given)) {
    return new UsageError(
      problem,
      "it looks like a document's or a session's id: `documents move ID --to EXPEDIENTE` and `documents detach ID` " +
        'take a document id; `status SESSION` a session id',
    );
  }
  // EXP-3000768077, 3000768077/2: one expediente inside other text.
  const inside = given.match(/(?<!\d)\d{8,12}(?!\d)/g);
  if (inside?.length === 1)
    return new UsageError(problem, `the expediente in it: tecsalud-batch patients show ${inside[0]}`);
  return new UsageError(problem, NAME_SEARCH_HINT);
}

export type ShowPatientOptions = ReturnType<ReturnType<typeof patientsShowOptions>['opts']>;

export async function showPatient(
  expediente: string,
  options: ShowPatientOptions,
  context: CommandContext,
): Promise<number> {
  const given = expediente.trim();
  if (!isExpediente(given)) throw await notAnExpediente(given, context);
  const { expedientesOfTheSameNumber, findPatientWithDocuments } = await import('../../app/patients.js');
  const found = await findPatientWithDocuments(context, given);
  if (!found) {
    // A number copied with a leading zero too many, or from a sheet that dropped them, is named, never
    // shown in its place: which of two expedientes a person meant is theirs to say.
    const sameNumber = await expedientesOfTheSameNumber(context, given);
    throw new UsageError(
      `no patient with expediente '${sanitizeForTerminal(expediente)}'`,
      sameNumber.length > 0 ? sameNumberHint(sameNumber) : 'try `tecsalud-batch patients search "NAME"`',
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
        unfinished_change: d.unfinished
          ? {
              kind: d.unfinished.kind,
              from_expediente: d.unfinished.fromExpediente,
              to_expediente: d.unfinished.toExpediente,
              started_at: d.unfinished.at,
              started_by: d.unfinished.actor,
              finish: d.unfinished.finish,
            }
          : null,
      })),
    });
  } else {
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const words = commandWordsFor(lang);
    const { label, source } = words.patients;
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
      if (d.unfinished) {
        const { kind, toExpediente, at, actor, finish } = d.unfinished;
        writeLine(
          context.io.stdout,
          words.documents.unfinished({
            kind,
            to: toExpediente,
            at,
            actor: sanitizeForTerminal(actor),
            finish,
          }),
        );
      }
    }
  }
  return ExitCode.Success;
}
