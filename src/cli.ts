/**
 * Commander wiring only. Each action lazily imports its command module so that `--help` and
 * `--version` load nothing heavy (no database driver, no pdf.js, no Ink).
 */
import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode } from './errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

const EXIT_CODES_HELP = `
Exit codes:
  ${ExitCode.Success}    success
  ${ExitCode.ReviewPending}    success, but some files wait for an admin's review
  ${ExitCode.SomeFailed}    some files failed (the others were processed)
  ${ExitCode.Usage}   usage or configuration error
  ${ExitCode.ServiceUnavailable}   a required service (database, vector store, embedder) is unavailable
  ${ExitCode.Internal}   internal error (a bug: please report it)
  ${ExitCode.Locked}   locked: another run is processing the same directory and database
  ${ExitCode.Interrupted}  interrupted (Ctrl-C)`;

function dbOption(): Option {
  return new Option(
    '--db <url>',
    'patient registry database: PATH, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (env TECSALUD_DB; default ./tecsalud-batch.db)',
  );
}

/** Backend choices shared by ingest, search and doctor (flags > env > config file > defaults). */
const BACKEND_OPTIONS = {
  config: () =>
    new Option('--config <path>', 'config file (default ./tecsalud-batch.config.json when present)'),
  vectorStore: () =>
    new Option(
      '--vector-store <kind>',
      'embedded (sqlite-vec in the SQLite database) or chroma (env TECSALUD_VECTOR_STORE)',
    ).choices(['embedded', 'chroma']),
  chromaUrl: () =>
    new Option('--chroma-url <url>', 'Chroma server (env CHROMA_URL; default http://localhost:8000)'),
  embedder: () =>
    new Option(
      '--embedder <kind>',
      'hashing (offline, lexical), openai or azure (env TECSALUD_EMBEDDER)',
    ).choices(['hashing', 'openai', 'azure']),
  embeddingModel: () =>
    new Option(
      '--embedding-model <name>',
      'OpenAI model, or the model behind the Azure deployment (default text-embedding-3-small)',
    ),
  embeddingDimensions: () =>
    new Option(
      '--embedding-dimensions <n>',
      'shortened vectors (text-embedding-3-*), or the size of another model',
    ),
};

/** Adds every backend flag: the commands that embed, store or read vectors must agree on the backends. */
function addBackendOptions(command: Command): Command {
  for (const make of Object.values(BACKEND_OPTIONS)) command.addOption(make());
  return command;
}

function jsonOption(): Option {
  return new Option('--json', 'print machine-readable JSON on stdout');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('tecsalud-batch')
    .description('Bulk ingestion of TecSalud medical PDFs into the patient registry and the vector store.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addHelpText(
      'after',
      `
Examples:
  $ tecsalud-batch parse '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'
  $ tecsalud-batch patients import fixtures/registry.csv
  $ tecsalud-batch ingest fixtures/sample
  $ tecsalud-batch review
  $ tecsalud-batch search "biometría hemática"
  $ tecsalud-batch match '3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf'
${EXIT_CODES_HELP}`,
    );

  program
    .command('parse')
    .summary('parse TecSalud filenames into expediente, names, numero and document type')
    .description(
      'Parse filenames of the form [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf and explain any that do not fit.',
    )
    .argument('<filename...>', 'one or more filenames (paths are fine: only the base name is parsed)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  $ tecsalud-batch parse '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'
  $ tecsalud-batch parse --json incoming/*.pdf`,
    )
    .action(async (filenames: string[], options: { json?: boolean }) => {
      const { parseCommand } = await import('./commands/parse.js');
      process.exitCode = parseCommand({ filenames, json: Boolean(options.json), stdout: process.stdout });
    });

  const patients = program
    .command('patients')
    .summary('import, list, show and search the patient registry')
    .description('Manage the patient registry used for matching.')
    .addHelpText(
      'after',
      `
Examples:
  $ tecsalud-batch patients import fixtures/registry.csv
  $ tecsalud-batch patients list --limit 20
  $ tecsalud-batch patients show 3000003799
  $ tecsalud-batch patients search "GARZA TIJERINA"`,
    );

  patients
    .command('import')
    .summary('import (upsert by expediente) patients from a CSV file')
    .description(
      'Import patients from CSV. Columns: expediente, apellido_paterno, apellido_materno, nombres ' +
        '[, fecha_nacimiento, sexo] — or expediente, nombre_completo ("APELLIDOS, NOMBRES"). ' +
        'Re-importing the same file is idempotent.',
    )
    .argument('<file>', 'CSV file (UTF-8, with or without BOM)')
    .option('--user <name>', 'who imports, for the audit log (default: the OS user)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nExample:\n  $ tecsalud-batch patients import fixtures/registry.csv --db sqlite:./registry.db`,
    )
    .action(async (file: string, options: { db?: string; json?: boolean; user?: string }) => {
      const { importPatientsCommand } = await import('./commands/patients.js');
      process.exitCode = await importPatientsCommand({ file, ...options, cwd: process.cwd() });
    });

  patients
    .command('list')
    .summary('list patients')
    .addOption(new Option('--limit <n>', 'how many to show').default('50'))
    .addOption(new Option('--offset <n>', 'how many to skip').default('0'))
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(async (options: { db?: string; json?: boolean; limit: string; offset: string }) => {
      const { listPatientsCommand } = await import('./commands/patients.js');
      process.exitCode = await listPatientsCommand({ ...options, cwd: process.cwd() });
    });

  patients
    .command('show')
    .summary('show one patient by expediente')
    .argument('<expediente>')
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(async (expediente: string, options: { db?: string; json?: boolean }) => {
      const { showPatientCommand } = await import('./commands/patients.js');
      process.exitCode = await showPatientCommand({ expediente, ...options, cwd: process.cwd() });
    });

  patients
    .command('search')
    .summary('find patients by (part of) a name')
    .argument('<name>', 'e.g. "GARZA TIJERINA" or "GARZA TIJERINA, MARIA"')
    .addOption(new Option('--limit <n>', 'how many to show').default('20'))
    .addOption(dbOption())
    .addOption(jsonOption())
    .action(async (name: string, options: { db?: string; json?: boolean; limit: string }) => {
      const { searchPatientsCommand } = await import('./commands/patients.js');
      process.exitCode = await searchPatientsCommand({ name, ...options, cwd: process.cwd() });
    });

  const ingestCli = program
    .command('ingest')
    .summary('ingest a folder of TecSalud PDFs: parse, match, extract, chunk, embed and store')
    .description(
      'Walk DIR recursively and run every file through parse → match patient → extract text → chunk → ' +
        'embed and/or store. Every file ends in a recorded state with a reason; re-running is safe.',
    )
    .argument('<dir>', 'folder with the PDFs')
    .addOption(
      new Option(
        '--type <type>',
        'processing type: vectorized (vectors only), complete (full text only) or both',
      )
        .choices(['vectorized', 'complete', 'both'])
        .default('both'),
    )
    .option('--user <name>', 'who uploads the batch, for the audit log (default: the OS user)')
    .option('--glob <pattern>', "only files matching this pattern, relative to DIR (default '**/*')")
    .option(
      '--concurrency <n>',
      'files in flight at once; extraction runs in min(n, cores, 10) processes (default: 2 × min(cores, 10))',
    )
    .option('--max-file-size <size>', 'largest file accepted, e.g. 10MB (default 10MB)')
    .option('--max-files <n>', 'most files per session; the rest wait for the next run (default 1000)')
    .option('--chunk-size <chars>', 'characters per chunk (default 1000)')
    .option('--chunk-overlap <chars>', 'characters shared by consecutive chunks (default 200)')
    .option('--embed-batch-size <n>', 'chunks per embedder call (default 256)')
    .option(
      '--store-batch-size <n>',
      'files written together: one vector-store call and one database transaction (default 32)',
    )
    .option(
      '--auto-threshold <x>',
      'confidence at or above which a match is attached automatically (default 0.95)',
    )
    .option(
      '--review-threshold <x>',
      'confidence at or above which a match goes to review, below it a new patient (default 0.60)',
    )
    .option('--timeout <seconds>', 'per-file text-extraction limit (default 60)')
    .addOption(
      new Option(
        '--extractor <name>',
        'pdfium (default), pdf-parse (pure JavaScript, slower) or pdftotext (needs poppler-utils)',
      ).choices(['pdfium', 'pdf-parse', 'pdftotext']),
    )
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .option('--force', 're-ingest content that was already ingested, replacing its chunks')
    .option('--dry-run', 'show the parse and match plan; write nothing')
    .option('--non-interactive', 'never prompt: reviews stay pending for `tecsalud-batch review`')
    .option('--log-file <path>', "structured JSON logs (pino) to this file; '-' for stderr")
    .option('--quiet', 'no progress or summary output (errors still go to stderr)')
    .option('--redact', 'keep patient names out of the logs (expediente and content hash identify files)')
    .option(
      '--archive-dir <dir>',
      'move each ingested (or already ingested) file here, keeping its relative path',
    )
    .option('--quarantine-dir <dir>', 'move each file that failed validation here, keeping its relative path')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
Examples:
  $ tecsalud-batch ingest fixtures/sample
  $ tecsalud-batch ingest /srv/drop --type complete --user jlopez --non-interactive --json > report.json
  $ tecsalud-batch ingest /srv/drop --non-interactive --quiet --log-file /var/log/tecsalud/ingest.log --redact --archive-dir /srv/archive --quarantine-dir /srv/quarantine
  $ tecsalud-batch ingest ./incoming --dry-run
${EXIT_CODES_HELP}`,
    )
    .action(async (dir: string, options: Record<string, string | boolean | undefined>) => {
      const { ingestCommand } = await import('./commands/ingest.js');
      process.exitCode = await ingestCommand({ ...options, dir, cwd: process.cwd() });
    });
  addBackendOptions(ingestCli);

  const reviewCli = program
    .command('review')
    .summary('settle the files waiting for review: attach, new patient, reject (interactive)')
    .description(
      'Walk the review-required files one by one in the terminal: the parsed filename, the candidate ' +
        'patients with their scores and reasons, and the first lines of the text. Keys: 1-9 attach, ' +
        'n new patient, r reject, s skip, u undo, ? help, q quit (decisions so far are kept). ' +
        'Without a terminal, or with --json, lists the pending reviews.',
    )
    .argument('[session]', 'session id or its first characters (default: every session)')
    .option('--user <name>', 'who reviews, for the audit log (default: the OS user)')
    .addOption(dbOption())
    .addOption(new Option('--json', 'list the pending reviews as JSON on stdout (no interaction)'))
    .option('--collection <name>', 'vector collection (default: the one the session was ingested into)')
    .addHelpText(
      'after',
      `
Examples:
  $ tecsalud-batch review
  $ tecsalud-batch review 3f2a9c1e --user jlopez
  $ tecsalud-batch review --json > pending.json

Exit codes: ${ExitCode.Success} no reviews left pending, ${ExitCode.ReviewPending} some still pending.`,
    )
    .action(async (session: string | undefined, options: Record<string, string | boolean | undefined>) => {
      const { reviewCommand } = await import('./commands/review.js');
      process.exitCode = await reviewCommand({ ...options, session, cwd: process.cwd() });
    });
  addBackendOptions(reviewCli);

  program
    .command('match')
    .summary('explain how filenames would match against the current registry')
    .argument('<filename...>', 'TecSalud filenames')
    .addOption(dbOption())
    .addOption(jsonOption())
    .option('--auto-threshold <x>', 'auto-assign threshold (default 0.95)')
    .option('--review-threshold <x>', 'review threshold (default 0.60)')
    .addHelpText(
      'after',
      `\nExample:\n  $ tecsalud-batch match '3000003799_GARZA TIJERINA, MA ESTHER_6001467010_CONS.pdf'`,
    )
    .action(async (filenames: string[], options: Record<string, string | boolean | undefined>) => {
      const { matchCommand } = await import('./commands/match.js');
      process.exitCode = await matchCommand({ ...options, filenames, cwd: process.cwd() });
    });

  program
    .command('status')
    .summary('show a session (the latest when none is given)')
    .argument('[session]', 'session id or its first characters')
    .option('--files', 'list every file with its outcome')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tecsalud-batch status\n  $ tecsalud-batch status 3f2a9c1e --files`,
    )
    .action(
      async (session: string | undefined, options: { db?: string; json?: boolean; files?: boolean }) => {
        const { statusCommand } = await import('./commands/sessions.js');
        process.exitCode = await statusCommand({ ...options, session, cwd: process.cwd() });
      },
    );

  program
    .command('sessions')
    .summary('list recent sessions')
    .addOption(new Option('--limit <n>', 'how many').default('20'))
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText('after', `\nExample:\n  $ tecsalud-batch sessions --json`)
    .action(async (options: { db?: string; json?: boolean; limit: string }) => {
      const { sessionsCommand } = await import('./commands/sessions.js');
      process.exitCode = await sessionsCommand({ ...options, cwd: process.cwd() });
    });

  program
    .command('processing-types')
    .summary('list the processing types (vectorized, complete, both)')
    .addOption(jsonOption())
    .addHelpText('after', `\nExample:\n  $ tecsalud-batch processing-types --json`)
    .action(async (options: { json?: boolean }) => {
      const { processingTypesCommand } = await import('./commands/sessions.js');
      process.exitCode = processingTypesCommand(options);
    });

  const cleanupCli = program
    .command('cleanup')
    .summary("remove a session's working state (documents are kept unless --purge)")
    .argument('[session]', 'session id or its first characters')
    .option(
      '--older-than <age>',
      'every finished session older than this, e.g. 7d (the service keeps 7 days)',
    )
    .option('--purge', "also delete the session's ingested documents and their vectors")
    .option('--user <name>', 'who cleans up, for the audit log')
    .option(
      '--collection <name>',
      'vector collection to purge from (default: the one the session was ingested into)',
    )
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tecsalud-batch cleanup 3f2a9c1e\n  $ tecsalud-batch cleanup --older-than 7d   # e.g. nightly from cron`,
    )
    .action(async (session: string | undefined, options: Record<string, string | boolean | undefined>) => {
      const { cleanupCommand } = await import('./commands/sessions.js');
      process.exitCode = await cleanupCommand({ ...options, session, cwd: process.cwd() });
    });
  addBackendOptions(cleanupCli);

  const searchCli = program
    .command('search')
    .summary('search the ingested documents (vector store) for a text')
    .argument('<text>', 'what to look for')
    .option('--patient <expediente>', "only this patient's documents")
    .option('--type <document-type>', 'only this document type (consultation, lab_results, …)')
    .addOption(new Option('-k <n>', 'how many chunks').default('5'))
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tecsalud-batch search "biometría hemática"\n  $ tecsalud-batch search "dolor abdominal" --patient 3000003799 -k 3 --json`,
    )
    .action(async (text: string, options: Record<string, string | boolean | undefined>) => {
      const { searchCommand } = await import('./commands/search.js');
      process.exitCode = await searchCommand({
        ...(options as object),
        k: String(options.k ?? '5'),
        text,
        cwd: process.cwd(),
      });
      addBackendOptions(searchCli);
    });

  const doctorCli = program
    .command('doctor')
    .summary('check the database, vector store, embedder and working directory (health check)')
    .description(
      'Checks that the database is reachable and migrated, the vector store reachable and filled by the ' +
        'configured embedder, the embedder answering, and the working directory writable. Exits 0 when ' +
        `healthy, ${ExitCode.ServiceUnavailable} when anything fails. Secrets are never printed.`,
    )
    .addOption(dbOption())
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nExamples:\n  $ tecsalud-batch doctor\n  $ tecsalud-batch doctor --json --vector-store chroma --chroma-url http://localhost:8000`,
    )
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { doctorCommand } = await import('./commands/doctor.js');
      process.exitCode = await doctorCommand({ ...options, cwd: process.cwd() });
    });
  addBackendOptions(doctorCli);

  return program;
}
