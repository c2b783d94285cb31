/**
 * The program: its commands in the order --help lists them, and two hooks. A command's module (its options
 * and its handler) is loaded only when that command runs or shows its help, so that `--help` and
 * `--version` load nothing but commander; the configuration is resolved once, before the action.
 */
import { Command, Help, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createRequire } from 'node:module';
import {
  exitCodeOf,
  processEnvironment,
  resolveContextFor,
  setCommandContext,
  type ProgramEnvironment,
} from './commands/context.js';
import { EXIT_CODES_HELP, examples, helpText, langOption } from './commands/shared/options.js';
import { helpConfigurationFor } from './commands/shared/help-text.js';
import { ExitCode } from './errors.js';
import { translateCommanderError } from './ui/i18n/commander-errors-es.js';
import { languageOfArguments, type Lang } from './ui/i18n/language.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

interface CommandEntry {
  /** How the program's --help lists it: the name, `[options]`, the arguments (a test checks it). */
  term: string;
  summary: string;
  /** Its module's declaration, which configures the command it is handed. */
  load(): Promise<(command: Command) => CommandUnknownOpts>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    term: 'parse [options] <filename...>',
    summary: 'parse TecSalud filenames into expediente, names, numero and document type',
    load: async () => (await import('./commands/parse.js')).parseCommand,
  },
  {
    term: 'patients [options]',
    summary: 'import, list, show and search the patient registry',
    load: async () => (await import('./commands/patients/index.js')).patientsCommand,
  },
  {
    term: 'ingest [options] <dir>',
    summary: 'ingest a folder of TecSalud PDFs: parse, match, extract, chunk, embed and store',
    load: async () => (await import('./commands/ingest.js')).ingestCommand,
  },
  {
    term: 'worker [options]',
    summary: 'take file jobs from the job queue (PostgreSQL) and ingest them; run many, on many machines',
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    term: 'review [options] [session]',
    summary: 'settle the files waiting for review: attach, new patient, reject (interactive)',
    load: async () => (await import('./commands/review.js')).reviewCommand,
  },
  {
    term: 'documents [options]',
    summary: 'move a document to another patient, or detach it back to review',
    load: async () => (await import('./commands/documents.js')).documentsCommand,
  },
  {
    term: 'match [options] <filename...>',
    summary: 'explain how filenames would match against the current registry',
    load: async () => (await import('./commands/match.js')).matchCommand,
  },
  {
    term: 'status [options] [session]',
    summary: 'show a session (the latest when none is given)',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    term: 'sessions [options]',
    summary: 'list recent sessions',
    load: async () => (await import('./commands/sessions.js')).sessionsCommand,
  },
  {
    term: 'processing-types [options]',
    summary: 'list the processing types (vectorized, complete, both)',
    load: async () => (await import('./commands/processing-types.js')).processingTypesCommand,
  },
  {
    term: 'cleanup [options] [session]',
    summary: "remove a session's working state (documents are kept unless --purge)",
    load: async () => (await import('./commands/cleanup.js')).cleanupCommand,
  },
  {
    term: 'search [options] <text>',
    summary: 'search the ingested documents (vector store) for a text',
    load: async () => (await import('./commands/search.js')).searchCommand,
  },
  {
    term: 'serve [options]',
    summary: 'serve the HTTP API (sessions, uploads, processing, status, review) over the same pipeline',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    term: 'tokens [options]',
    summary: 'create, list and revoke the bearer tokens of the HTTP API',
    load: async () => (await import('./commands/tokens/index.js')).tokensCommand,
  },
  {
    term: 'unlock [options] <dir>',
    summary: 'lift the run lock of a folder whose run is over (e.g. taken on another host)',
    load: async () => (await import('./commands/unlock.js')).unlockCommand,
  },
  {
    term: 'doctor [options]',
    summary: 'check the database, vector store, embedder and working directory (health check)',
    load: async () => (await import('./commands/doctor.js')).doctorCommand,
  },
];

const nameOf = (entry: CommandEntry) => entry.term.split(' ')[0]!;

/**
 * `lang`: the language of commander's own refusals (a mistyped flag, a missing argument), which come before
 * any command runs; read from the words typed (runProgram), as main does for the errors after them.
 */
export function buildProgram(
  environment: ProgramEnvironment = processEnvironment(),
  lang: Lang = 'en',
): Command {
  const program = new Command()
    .name('tecsalud-batch')
    .description('Bulk ingestion of TecSalud medical PDFs into the patient registry and the vector store.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError(
      lang === 'es' ? translateCommanderError('(run with --help for usage)') : '(run with --help for usage)',
    )
    // Errors throw instead of exiting: main maps them to exit codes.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.io.stdout.write(text),
      writeErr: (text) => environment.io.stderr.write(text),
      outputError: (text, write) => write(lang === 'es' ? translateCommanderError(text) : text),
    })
    .addHelpText(
      'after',
      helpText(
        examples(
          "parse '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'",
          'patients import fixtures/registry.csv',
          'ingest fixtures/sample',
          'review',
          'search "biometría hemática"',
          "match '3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf'",
        ),
        EXIT_CODES_HELP,
      ),
    );
  // `tecsalud-batch --lang es ingest …`: the language may come before the command (see handLanguageOn).
  const langFirst = langOption();
  // Checked by the command it is handed to, as if typed after its name (the same refusal, with its hint).
  langFirst.parseArg = <T>(value: string): T => value as T;
  program.addOption(langFirst);
  const terms = new Map(COMMANDS.map((entry) => [nameOf(entry), entry.term]));
  // The listing of a command not loaded yet comes from the table; once loaded, from its declaration.
  program.configureHelp({
    ...helpConfigurationFor(lang),
    subcommandTerm: (command) =>
      (command.parent === program && !defined.has(command) && terms.get(command.name())) ||
      new Help().subcommandTerm(command),
  });
  // Stubs made with .command() inherit the settings above; their modules configure them when needed.
  for (const entry of COMMANDS) program.command(nameOf(entry)).summary(entry.summary);
  // commander's own `help COMMAND` prints the help at once, without the hooks: this one loads the command.
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('display help for command')
    .helpOption(false)
    .action(async (name) => {
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (!command) return name === undefined ? program.help() : program.help({ error: true });
      await defineCommand(command);
      command.help();
    });
  program
    // A command's module is loaded when the command is dispatched (to run, or to show its help).
    .hook('preSubcommand', async (_program, command) => {
      await defineCommand(command);
      handLanguageOn(program, command);
    })
    // Flags > environment > config file > defaults, resolved once and handed to the action.
    .hook('preAction', async (_program, actionCommand) => {
      // A misspelled variable would otherwise change nothing without a word (loaded here: --help never needs it).
      const warnings = await import('./commands/shared/unknown-variables-warning.js');
      await warnings.warnOfUnknownVariables(actionCommand, environment);
      const context = await resolveContextFor(actionCommand, environment);
      await warnings.warnOfIgnoredEmbeddingSettings(actionCommand, context);
      setCommandContext(actionCommand, context);
    });
  return program;
}

/**
 * The program reads `--lang` wherever it is typed (commander's options are not positional here), so the
 * command, which reads its own `--lang`, is handed the value and checks it with its own option.
 */
function handLanguageOn(program: CommandUnknownOpts, command: CommandUnknownOpts): void {
  if (program.getOptionValueSource('lang') !== 'cli') return;
  const value = program.getOptionValue('lang') as string;
  const own = command.options.find((option) => option.attributeName() === 'lang');
  command.setOptionValueWithSource('lang', own?.parseArg ? own.parseArg(value, undefined) : value, 'cli');
}

/** Commands whose module has configured them. */
const defined = new WeakSet<CommandUnknownOpts>();

async function defineCommand(command: CommandUnknownOpts): Promise<void> {
  if (defined.has(command)) return;
  const entry = COMMANDS.find((candidate) => nameOf(candidate) === command.name());
  if (!entry) return;
  // Loaded with the command, not for the program's --help (its suggestions use a string-distance library).
  const [declare, { refuseChoicesWithHint }] = await Promise.all([
    entry.load(),
    import('./commands/shared/choice-options.js'),
  ]);
  declare(command as Command);
  refuseChoicesWithHint(command);
  for (const sub of command.commands) inheritSettings(command, sub);
  defined.add(command);
}

/** Loads every command's module (the tests that read every --help, or stub every action). */
export async function defineAllCommands(program: CommandUnknownOpts): Promise<void> {
  for (const command of program.commands) await defineCommand(command);
}

/** Parses and runs one invocation; resolves with the exit code of the command that ran. */
export async function runProgram(argv: string[], environment?: ProgramEnvironment): Promise<number> {
  const program = buildProgram(
    environment,
    languageOfArguments(argv, (environment ?? processEnvironment()).env),
  );
  await program.parseAsync(argv);
  return exitCodeOf(program) ?? ExitCode.Success;
}

/** What `.command()` would have copied from the parent (help option, exit override, output), to the depth. */
function inheritSettings(parent: CommandUnknownOpts, command: CommandUnknownOpts): void {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inheritSettings(command, sub);
}
