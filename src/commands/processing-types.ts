import { Command } from '@commander-js/extra-typings';
import { PROCESSING_TYPES } from '../core/pipeline/statuses.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { examples, jsonOption, langOption } from './shared/options.js';
import { commandWords, commandWordsFor } from '../ui/i18n/command-words.js';

export function processingTypesCommand(command = new Command('processing-types')) {
  return processingTypesOptions(command).action((options, command) =>
    finish(command, listProcessingTypes(options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function processingTypesOptions(command: Command) {
  return command
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText('after', examples('processing-types --json'));
}

export function listProcessingTypes(
  options: { json?: boolean; lang?: string },
  context: Pick<CommandContext, 'io'> & Partial<Pick<CommandContext, 'env'>>,
): number {
  // --json keeps the English words, as the API's /processing-types does.
  const words = options.json ? commandWordsFor('en') : commandWords(options.lang, context.env ?? {});
  const types = PROCESSING_TYPES.map((value) => ({ value, ...words.processingTypes[value] }));
  if (options.json) writeJson(context.io, types);
  else
    for (const t of types)
      writeLine(context.io.stdout, `${t.value.padEnd(11)} ${t.label.padEnd(11)} ${t.description}`);
  return ExitCode.Success;
}
