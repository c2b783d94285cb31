import { Command } from '@commander-js/extra-typings';
import { DOCUMENT_TYPE_BY_CODE } from '../core/filename/document-types.js';
import { EXPECTED_FILENAME_FORMAT, FILENAME_EXAMPLE } from '../core/filename/expected-format.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FilenameParseResult, ParsedFilename } from '../core/filename/types.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { examples, jsonOption, langOption } from './shared/options.js';
import { helpBlock, type HelpText } from './shared/help-text.js';
import { commandWordsFor, type CommandWords } from '../ui/i18n/command-words.js';
import { messagesFor, resolveLanguage, type Messages } from '../ui/i18n/messages.js';

export function parseCommand(command = new Command('parse')) {
  return parseOptions(command).action((filenames, options, command) =>
    finish(command, parseFilenames(filenames, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function parseOptions(command: Command) {
  return command
    .description(
      'Parse filenames of the form [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf and explain any that do not fit.',
    )
    .argument('<filename...>', 'one or more filenames (paths are fine: only the base name is parsed)')
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      examples(
        "parse '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'",
        'parse --json incoming/*.pdf',
      ),
    )
    .addHelpText('after', documentTypesHelp());
}

/**
 * The type codes the service knows, by the type they file as: where `ingest` sends who meets an unknown one.
 * The type is named as `search --type` takes it; in Spanish its words follow.
 */
function documentTypesHelp(): HelpText {
  return helpBlock(({ lang, localize }) => {
    const codesByType = new Map<string, string[]>();
    for (const [code, type] of DOCUMENT_TYPE_BY_CODE)
      codesByType.set(type, [...(codesByType.get(type) ?? []), code]);
    const words = lang === 'es' ? messagesFor(lang).documentType : null;
    const lines = [...codesByType].map(
      ([type, codes]) => `  ${codes.join(', ').padEnd(24)}${type}${words ? ` (${words(type)})` : ''}`,
    );
    return `${localize('Document types (TIPO, any case; another code is filed as other):')}\n${lines.join('\n')}`;
  });
}

export type ParseOptions = ReturnType<ReturnType<typeof parseOptions>['opts']>;

/** One parsed argument: `input` is the argument exactly as given (a path, possibly), for display and JSON. */
interface ParseOutcome {
  input: string;
  result: FilenameParseResult;
}

/**
 * `tecsalud-batch parse <filename…> [--json]`. Prints one result per filename and returns
 * `SomeFailed` when any name does not fit, so scripts can gate on the exit code.
 */
export function parseFilenames(
  filenames: string[],
  options: ParseOptions,
  context: Pick<CommandContext, 'io'> & Partial<Pick<CommandContext, 'env'>>,
): number {
  const outcomes = filenames.map((input) => ({ input, result: parseFilename(input) }));
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  context.io.stdout.write(
    options.json
      ? formatJson(outcomes)
      : formatHuman(outcomes, { messages: messagesFor(lang), words: commandWordsFor(lang).parse }),
  );
  return outcomes.every(({ result }) => result.ok) ? ExitCode.Success : ExitCode.SomeFailed;
}

/**
 * snake_case keys, one object per argument in argument order. `filename` is the argument as given (so a
 * script can move or rename the file it names); JSON escaping makes control characters harmless here.
 */
function formatJson(outcomes: readonly ParseOutcome[]): string {
  const objects = outcomes.map(({ input, result }) =>
    result.ok
      ? { filename: input, ok: true, ...snakeCaseFields(result.parsed) }
      : {
          filename: input,
          ok: false,
          error: {
            code: result.error.code,
            message: result.error.message,
            expected_format: result.error.expectedFormat,
            example: result.error.example,
          },
        },
  );
  return `${JSON.stringify(objects, null, 2)}\n`;
}

function snakeCaseFields(parsed: ParsedFilename) {
  return {
    expediente: parsed.expediente,
    apellidos: parsed.apellidos,
    apellido_paterno: parsed.apellidoPaterno,
    apellido_materno: parsed.apellidoMaterno,
    nombres: parsed.nombres,
    nombre_completo: parsed.nombreCompleto,
    numero: parsed.numero,
    document_type: parsed.documentType,
    document_type_code: parsed.documentTypeCode,
  };
}

/** The words of the text output, in the language of the run. */
interface ParseSay {
  messages: Messages;
  words: CommandWords['parse'];
}

function formatHuman(outcomes: readonly ParseOutcome[], say: ParseSay): string {
  const blocks = outcomes.map(({ input, result }) =>
    result.ok
      ? formatParsed(input, result.parsed, say)
      : `✗ ${sanitizeForTerminal(input)}: ${sanitizeForTerminal(say.messages.detail(result.error.message))}\n`,
  );
  const failed = outcomes.filter(({ result }) => !result.ok).length;
  // The format and example are the same for every failure: print them once, after the list.
  if (failed > 0) {
    blocks.push(say.words.expected(EXPECTED_FILENAME_FORMAT, FILENAME_EXAMPLE));
  }
  if (outcomes.length > 1) blocks.push(say.words.tally(outcomes.length - failed, failed));
  return blocks.join('\n');
}

function formatParsed(input: string, parsed: ParsedFilename, { messages, words }: ParseSay): string {
  const rows: [string, string][] = [
    ['expediente', parsed.expediente],
    ['apellido paterno', parsed.apellidoPaterno],
    ['apellido materno', parsed.apellidoMaterno || '—'],
    ['nombres', parsed.nombres],
    ['numero', parsed.numero ?? '—'],
    [
      'tipo',
      words.type(parsed.documentType, parsed.documentTypeCode, messages.documentType(parsed.documentType)),
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `  ${label.padEnd(width)}  ${sanitizeForTerminal(value)}`);
  return `✓ ${sanitizeForTerminal(input)}\n${lines.join('\n')}\n`;
}
