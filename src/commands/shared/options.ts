import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../../errors.js';
import { codeTable } from './help-text.js';

// The commands declare their help texts with these, beside their options.
export { examples, helpText } from './help-text.js';

/** The exit codes as `--help` lists them (the README has the same table). */
export const EXIT_CODES_HELP = codeTable('Exit codes:', [
  [ExitCode.Success, 'success'],
  [ExitCode.ReviewPending, "success, but some files wait for an admin's review"],
  [ExitCode.SomeFailed, 'some files failed (the others were processed)'],
  [ExitCode.Usage, 'usage or configuration error'],
  [
    ExitCode.ServiceUnavailable,
    "a required service (database, vector store, embedder) is unavailable,\nor the database's disk is full or failing",
  ],
  [ExitCode.Internal, 'internal error (a bug: please report it)'],
  [ExitCode.OutputLost, 'the work is done, but its output could not be written (a full disk under stdout)'],
  [
    ExitCode.Locked,
    'locked: another run is processing the same directory and database,\nor another program kept the database locked',
  ],
  [ExitCode.Interrupted, 'interrupted (Ctrl-C)'],
]);

export function jsonOption() {
  return new Option('--json', 'print machine-readable JSON on stdout');
}

export function dbOption() {
  return new Option(
    '--db <url>',
    'patient registry database: PATH, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (env TECSALUD_DB; default ./tecsalud-batch.db)',
  );
}

export function configOption() {
  return new Option('--config <path>', 'config file (default ./tecsalud-batch.config.json when present)');
}

/** The language of the dashboard and the review (default: Spanish when LC_ALL / LANG start with `es`). */
export function langOption() {
  return new Option(
    '--lang <lang>',
    'language of the screens: es or en (default: from LC_ALL / LANG)',
  ).choices(['es', 'en'] as const);
}

export function userOption(who: string, defaultsToOsUser = true) {
  return new Option(
    '--user <name>',
    `${who}, for the audit log${defaultsToOsUser ? ' (default: the OS user)' : ''}`,
  ).argParser(auditUser);
}

/**
 * A name for the audit log. An empty one (`--user "$REVIEWER"` with the variable unset) is refused rather than
 * quietly replaced by the OS user: the audit would name the shared account the job runs under, not the person.
 */
function auditUser(value: string): string {
  const name = value.trim();
  if (!name) {
    throw new UsageError(
      '--user is empty',
      'give the name the audit log should record, or leave --user out to record the OS user',
    );
  }
  return name;
}

/**
 * The backend choices shared by the commands that embed, store or read vectors, which must agree on
 * the backends (flags > env > config file > defaults). Added when the command is declared, so that
 * commander knows them before it parses.
 */
export function addBackendOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(configOption())
    .addOption(
      new Option(
        '--vector-store <kind>',
        'embedded (sqlite-vec in the SQLite database) or chroma (env TECSALUD_VECTOR_STORE)',
      ).choices(['embedded', 'chroma'] as const),
    )
    .addOption(
      new Option('--chroma-url <url>', 'Chroma server (env CHROMA_URL; default http://localhost:8000)'),
    )
    .addOption(
      new Option(
        '--chroma-token <token>',
        'token for a Chroma server that demands one; other local users can see a flag in the process list, so prefer env CHROMA_AUTH_TOKEN',
      ),
    )
    .addOption(
      new Option(
        '--embedder <kind>',
        'hashing (offline, lexical), openai or azure (env TECSALUD_EMBEDDER)',
      ).choices(['hashing', 'openai', 'azure'] as const),
    )
    .addOption(
      new Option(
        '--embedding-model <name>',
        'OpenAI model, or the model behind the Azure deployment (default text-embedding-3-small)',
      ),
    )
    .addOption(
      new Option(
        '--embedding-dimensions <n>',
        'shortened vectors (text-embedding-3-*), or the size of another model',
      ),
    );
}

/**
 * `patients --db x.db list`: the options every subcommand of a group takes are accepted before the
 * subcommand's name too (commander reads options per command, so there they were refused as unknown), and
 * handed to the subcommand unless it is given its own after its name.
 */
export function acceptSharedOptionsFirst<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(group: Command<Args, Opts, Globals>, shared: Option[]): Command<Args, Opts, Globals> {
  for (const option of shared) group.addOption(option);
  return group.hook('preSubcommand', (parent, subcommand) => {
    for (const option of shared) {
      const key = option.attributeName();
      if (parent.getOptionValueSource(key) !== 'cli') continue;
      subcommand.setOptionValueWithSource(key, parent.getOptionValue(key), 'cli');
    }
  });
}
