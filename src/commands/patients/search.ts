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
  return patientsSearchOptions().action(async (name, options, command) =>
    finish(command, await searchPatients(name, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function patientsSearchOptions() {
  return new Command('search')
    .summary('find patients by words of the name, in any order, or digits of the expediente')
    .argument(
      '<name>',
      'e.g. "GARZA TIJERINA", "MARIA GARZA" or "GARZA TIJERINA, MARIA"; digits search expedientes',
    )
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
  // One more than shown: whether the list is all that match or only the first of them.
  const found = await app.searchPatients(context, text, limit + 1);
  const more = found.length > limit;
  const patients = found.slice(0, limit);
  if (options.json) writeJson(context.io, { query: text, more, patients: patients.map(toPatientJson) });
  else {
    const words = commandWords(options.lang, context.env).patients;
    writePatientTable(context.io, patients, words);
    const query = sanitizeForTerminal(text);
    writeLine(
      context.io.stdout,
      more ? words.matchedMore(patients.length, query) : words.matched(patients.length, query),
    );
  }
  return ExitCode.Success;
}
