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
    'patient registry database: PATH, sqlite:PATH (env TECSALUD_DB; default ./tecsalud-batch.db)',
  );
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
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText('after', `\nExample:\n  $ tecsalud-batch patients import fixtures/registry.csv --db sqlite:./registry.db`)
    .action(async (file: string, options: { db?: string; json?: boolean }) => {
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

  return program;
}
