/**
 * `--help` in the reader's language. The commands declare their help in English; a program built in Spanish
 * configures commander's Help to show every title, description and extra text through the Spanish help table
 * (ui/i18n/help-es), looked up by the English text itself: an English text edited or added without its
 * Spanish has no entry, and the test that reads every command's Spanish help fails.
 */
import type {
  AddHelpTextContext,
  Argument,
  CommandUnknownOpts,
  Help,
  HelpConfiguration,
  Option,
} from '@commander-js/extra-typings';
import type { Lang } from '../../ui/i18n/language.js';
import { exampleInSpanish, helpInSpanish } from '../../ui/i18n/help-es.js';

/**
 * A block of text after a command's help, written when the help is shown, in the language it is shown in; it
 * starts with the blank line that sets it apart.
 */
export type HelpText = (context: Pick<AddHelpTextContext, 'command'>) => string;

/** The Help properties of one language: `localize` puts an English help text in it. */
interface LocalizedHelp {
  language: Lang;
  localize(english: string): string;
  /** An example's command line, with a person's words in it (a reason) in the language. */
  localizeExample(line: string): string;
}

/** How a block says its English texts in the language of the help being shown. */
export interface HelpWords {
  lang: Lang;
  localize(english: string): string;
  localizeExample(line: string): string;
}

/** A block whose text is made when the help is shown, from the words of its language. */
export function helpBlock(render: (words: HelpWords) => string): HelpText {
  return ({ command }) => `\n${render(helpWordsOf(command))}`;
}

/** The blocks in order, each after a blank line; a string is English prose, put in the reader's language. */
export function helpText(...blocks: (string | HelpText)[]): HelpText {
  return (context) =>
    blocks
      .map((block) =>
        typeof block === 'string' ? `\n${helpWordsOf(context.command).localize(block)}` : block(context),
      )
      .join('\n');
}

/** `examples('ingest fixtures/sample', …)` lists `$ tecsalud-batch …` lines; a `# comment` is put in words too. */
export function examples(...lines: string[]): HelpText {
  return helpBlock(({ localize, localizeExample }) =>
    [
      localize(lines.length === 1 ? 'Example:' : 'Examples:'),
      ...lines.map((line) => `  $ tecsalud-batch ${withCommentIn(localizeExample(line), localize)}`),
    ].join('\n'),
  );
}

/** The command line is typed as it is; only a trailing `# comment` is prose. */
function withCommentIn(line: string, localize: (english: string) => string): string {
  const comment = /^(.*?\S\s+)# (.*)$/.exec(line);
  return comment ? `${comment[1]}# ${localize(comment[2]!)}` : line;
}

/** Rows of `code  meaning` under a heading; a meaning's `\n` goes on under it. */
export function codeTable(heading: string, rows: readonly (readonly [number, string])[]): HelpText {
  return helpBlock(({ localize }) =>
    [
      localize(heading),
      ...rows.map(
        ([code, meaning]) => `  ${String(code).padEnd(5)}${localize(meaning).split('\n').join('\n       ')}`,
      ),
    ].join('\n'),
  );
}

function helpWordsOf(command: CommandUnknownOpts): HelpWords {
  const helper = command.createHelp() as Help & Partial<LocalizedHelp>;
  return {
    lang: helper.language ?? 'en',
    localize: (english) => helper.localize?.(english) ?? english,
    localizeExample: (line) => helper.localizeExample?.(line) ?? line,
  };
}

/**
 * What configureHelp takes for `lang`: nothing for English (commander's own help), the Spanish words for
 * Spanish. Option names, choices, defaults, command and argument names stay as they are typed.
 */
export function helpConfigurationFor(lang: Lang): HelpConfiguration {
  // A subcommand declared with a summary alone (`patients list`, `documents move`) says it on its own help too.
  if (lang === 'en') return { commandDescription: (command) => command.description() || command.summary() };
  const localize = (english: string) => (english ? helpInSpanish(english) : english);
  const spanish: HelpConfiguration & LocalizedHelp = {
    language: lang,
    localize,
    localizeExample: exampleInSpanish,
    styleTitle: (title) => SPANISH_TITLES[title] ?? localize(title),
    // commander's placeholders in the usage line and the command list; argument names are the commands' own.
    styleOptionText: (text) => (text === '[options]' ? '[opciones]' : text),
    styleSubcommandText: (text) => (text === '[command]' ? '[comando]' : text),
    styleArgumentText: (text) => (text === '[command]' ? '[comando]' : text),
    commandDescription: (command) => localize(command.description() || command.summary()),
    subcommandDescription: (command) => localize(command.summary() || command.description()),
    optionDescription: (option) => withExtraInfo(localize(option.description), extraInfoOf(option)),
    argumentDescription: (argument) => withExtraInfo(localize(argument.description), extraInfoOf(argument)),
  };
  return spanish;
}

const SPANISH_TITLES: Record<string, string> = {
  'Usage:': 'Uso:',
  'Options:': 'Opciones:',
  'Global Options:': 'Opciones globales:',
  'Commands:': 'Comandos:',
  'Arguments:': 'Argumentos:',
};

/** commander's `(choices: …, default: …)`, in Spanish, shown when commander shows it. */
function extraInfoOf(item: Option | Argument): string[] {
  const extra: string[] = [];
  if (item.argChoices)
    extra.push(`valores: ${item.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`);
  const option = 'flags' in item ? item : null;
  const showDefault = option
    ? option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean')
    : true;
  if (item.defaultValue !== undefined && showDefault) {
    extra.push(`predeterminado: ${item.defaultValueDescription || JSON.stringify(item.defaultValue)}`);
  }
  if (option && option.presetArg !== undefined && option.optional)
    extra.push(`si se omite el valor: ${JSON.stringify(option.presetArg)}`);
  if (option?.envVar !== undefined) extra.push(`variable de entorno: ${option.envVar}`);
  return extra;
}

function withExtraInfo(description: string, extra: string[]): string {
  if (extra.length === 0) return description;
  return description ? `${description} (${extra.join(', ')})` : `(${extra.join(', ')})`;
}
