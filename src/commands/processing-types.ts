import { Command } from '@commander-js/extra-typings';
import { PROCESSING_TYPES, type ProcessingType } from '../core/pipeline/statuses.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { examples, jsonOption, langOption } from './shared/options.js';

export function processingTypesCommand(command = new Command('processing-types')) {
  return processingTypesOptions(command).action((options, command) => finish(command, listProcessingTypes(options, contextOf(command))));
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function processingTypesOptions(command: Command) {
  return command
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText('after', examples('processing-types --json'));
}

const PROCESSING_TYPE_INFO: Record<ProcessingType, { label: string; description: string }> = {
  vectorized: {
    label: 'Vectorized',
    description:
      'Chunks, embeds and stores the text in the vector store for semantic search; no full text in the database.',
  },
  complete: {
    label: 'Complete',
    description: 'Stores the full extracted text in the database (medical_documents); no vectors.',
  },
  both: {
    label: 'Both',
    description: 'Stores the full text in the database and the chunks in the vector store (the default).',
  },
};

export function listProcessingTypes(options: { json?: boolean }, context: Pick<CommandContext, 'io'>): number {
  const types = PROCESSING_TYPES.map((value) => ({ value, ...PROCESSING_TYPE_INFO[value] }));
  if (options.json) writeJson(context.io, types);
  else for (const t of types) writeLine(context.io.stdout, `${t.value.padEnd(11)} ${t.label.padEnd(11)} ${t.description}`);
  return ExitCode.Success;
}
