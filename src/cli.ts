/**
 * The program: its commands and their order, and the hook that resolves each run's configuration once,
 * before the action. Each command module declares its options and its handler together; a handler loads
 * what it needs (database driver, pdf.js, Ink) only when it runs, so `--help` and `--version` stay instant.
 */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { createRequire } from 'node:module';
import { cleanupCommand } from './commands/cleanup.js';
import {
  exitCodeOf,
  processEnvironment,
  resolveContextFor,
  setCommandContext,
  type ProgramEnvironment,
} from './commands/context.js';
import { doctorCommand } from './commands/doctor.js';
import { ingestCommand } from './commands/ingest.js';
import { matchCommand } from './commands/match.js';
import { parseCommand } from './commands/parse.js';
import { patientsCommand } from './commands/patients/index.js';
import { processingTypesCommand } from './commands/processing-types.js';
import { reviewCommand } from './commands/review.js';
import { searchCommand } from './commands/search.js';
import { sessionsCommand } from './commands/sessions.js';
import { EXIT_CODES_HELP, examples } from './commands/shared/options.js';
import { statusCommand } from './commands/status.js';
import { ExitCode } from './errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

const COMMANDS = [
  parseCommand,
  patientsCommand,
  ingestCommand,
  reviewCommand,
  matchCommand,
  statusCommand,
  sessionsCommand,
  processingTypesCommand,
  cleanupCommand,
  searchCommand,
  doctorCommand,
];

export function buildProgram(environment: ProgramEnvironment = processEnvironment()): Command {
  const program = new Command()
    .name('tecsalud-batch')
    .description('Bulk ingestion of TecSalud medical PDFs into the patient registry and the vector store.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    // Errors throw instead of exiting: main maps them to exit codes.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.io.stdout.write(text),
      writeErr: (text) => environment.io.stderr.write(text),
    })
    .addHelpText(
      'after',
      examples(
        "parse '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'",
        'patients import fixtures/registry.csv',
        'ingest fixtures/sample',
        'review',
        'search "biometría hemática"',
        "match '3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf'",
      ) + `\n${EXIT_CODES_HELP}`,
    )
    // Flags > environment > config file > defaults, resolved once and handed to the action.
    .hook('preAction', async (_program, actionCommand) => {
      setCommandContext(actionCommand, await resolveContextFor(actionCommand, environment));
    });
  for (const define of COMMANDS) program.addCommand(inheritSettings(program, define()));
  return program;
}

/** Parses and runs one invocation; resolves with the exit code of the command that ran. */
export async function runProgram(argv: string[], environment?: ProgramEnvironment): Promise<number> {
  const program = buildProgram(environment);
  await program.parseAsync(argv);
  return exitCodeOf(program) ?? ExitCode.Success;
}

/** What `.command()` would have copied from the parent (help option, exit override, output), to the depth. */
function inheritSettings<C extends CommandUnknownOpts>(parent: CommandUnknownOpts, command: C): C {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inheritSettings(command, sub);
  return command;
}
