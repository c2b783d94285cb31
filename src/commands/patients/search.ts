import { Command, Option } from '@commander-js/extra-typings';
import { normalizeName } from '../../core/filename/normalize-name.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { ExitCode, UsageError } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWords } from '../../ui/i18n/command-words.js';
import { configOption, dbOption, jsonOption, langOption } from '../shared/options.js';
import { parseCount, toPatientJson, writePatientTable } from './patient-output.js';

export function patientsSearchCommand() {
  return patientsSearchOptions().action(async (name, options, command) => finish(command, await searchPatients(name, options, contextOf(command))));
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function patientsSearchOptions() {
  return new Command('search')
    .summary('find patients by (part of) a name')
    .argument('<name>', 'e.g. "GARZA TIJERINA" or "GARZA TIJERINA, MARIA"')
    .addOption(new Option('--limit <n>', 'how many to show').default('20'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption());
}

export type SearchPatientsOptions = ReturnType<ReturnType<typeof patientsSearchOptions>['opts']>;

export async function searchPatients(
  name: string,
  options: SearchPatientsOptions,
  context: CommandContext,
): Promise<number> {
  const limit = parseCount(options.limit, '--limit', 1);
  const text = normalizeName(name);
  if (!text) throw new UsageError('give part of a name to search for');
  const app = await import('../../app/patients.js');
  const patients = await app.searchPatients(context, text, limit);
  if (options.json) writeJson(context.io, { query: text, patients: patients.map(toPatientJson) });
  else {
    writePatientTable(context.io, patients);
    writeLine(context.io.stdout, commandWords(options.lang, context.env).patients.matched(patients.length, sanitizeForTerminal(text)));
  }
  return ExitCode.Success;
}
