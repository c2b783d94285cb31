import { Command, Option } from '@commander-js/extra-typings';
import { ExitCode } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWords } from '../../ui/i18n/command-words.js';
import { configOption, dbOption, jsonOption, langOption } from '../shared/options.js';
import { parseCount, toPatientJson, writePatientTable } from './patient-output.js';

export function patientsListCommand() {
  return patientsListOptions().action(async (options, command) =>
    finish(command, await listPatients(options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function patientsListOptions() {
  return new Command('list')
    .summary('list patients')
    .addOption(new Option('--limit <n>', 'how many to show').default('50'))
    .addOption(new Option('--offset <n>', 'how many to skip').default('0'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption());
}

export type ListPatientsOptions = ReturnType<ReturnType<typeof patientsListOptions>['opts']>;

export async function listPatients(options: ListPatientsOptions, context: CommandContext): Promise<number> {
  const limit = parseCount(options.limit, '--limit', 1);
  const offset = parseCount(options.offset, '--offset', 0);
  const app = await import('../../app/patients.js');
  const { patients, total } = await app.listPatients(context, { limit, offset });
  if (options.json) writeJson(context.io, { total, offset, patients: patients.map(toPatientJson) });
  else {
    const words = commandWords(options.lang, context.env).patients;
    writePatientTable(context.io, patients, words);
    writeLine(context.io.stdout, words.listed(patients.length, total, offset));
  }
  return ExitCode.Success;
}
