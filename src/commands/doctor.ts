import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, reportsConfigErrors, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWordsFor } from '../ui/i18n/command-words.js';
import { resolveLanguage } from '../ui/i18n/language.js';
import { addBackendOptions, dbOption, examples, jsonOption, langOption } from './shared/options.js';

export function doctorCommand(command = new Command('doctor')) {
  return reportsConfigErrors(
    doctorOptions(command).action(async (options, command) =>
      finish(command, await runDoctor(options, contextOf(command))),
    ),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function doctorOptions(command: Command) {
  const declared = command
    .description(
      'Checks that the database is reachable and migrated (and whether its connection is encrypted), the vector ' +
        'store reachable and filled by the configured embedder, the embedder answering, the working directory ' +
        'writable, whether pdftotext and the OCR engines can run, and that no other account may read the ' +
        'database, the log, the archive or a config file holding a secret, and that no document move or detach was ' +
        'left unfinished and no document filed as vectorized misses chunks in the vector store or keeps a stale copy ' +
        'in another collection (with the command that settles it); answers within 10 s whatever the ' +
        'servers do. Exits 0 when ' +
        `healthy, ${ExitCode.ServiceUnavailable} when anything fails (${ExitCode.Usage} when only the configuration is wrong: ` +
        'the config file, a setting written wrong, the database file missing or unusable). The database is never created or migrated by it. Secrets are never printed.',
    )
    .addOption(dbOption())
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .option('--timeout <seconds>', 'answer within this many seconds, whatever the servers do (default 10)')
    .option('--log-file <path>', "the ingest's log: warn when others may read it (and its rotated copies)")
    .option(
      '--archive-dir <dir>',
      "the ingest's archive folder: warn when others may read it or what it holds",
    )
    .option('--quarantine-dir <dir>', "the ingest's quarantine folder: the same")
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      examples(
        'doctor',
        'doctor --json --vector-store chroma --chroma-url http://localhost:8000',
        'doctor --log-file /var/log/tecsalud/ingest.log --archive-dir /srv/archive --quarantine-dir /srv/quarantine',
      ),
    );
  return addBackendOptions(declared);
}

export type DoctorOptions = ReturnType<ReturnType<typeof doctorOptions>['opts']>;

/**
 * The service's health check: each backend is checked read-only where it can be (the database is not
 * migrated, the collection not created), and a failure of one does not hide the others.
 */
export async function runDoctor(options: DoctorOptions, context: CommandContext): Promise<number> {
  const seconds =
    options.timeout === undefined
      ? undefined
      : readNumberSetting(options.timeout, '--timeout', {
          kind: 'decimal',
          min: 0,
          minExclusive: true,
          max: 600,
        });
  const { checkHealth } = await import('../app/check-health.js');
  const report = await checkHealth({
    cwd: context.cwd,
    ...(context.startedAt !== undefined ? { startedAt: context.startedAt } : {}),
    ...(seconds !== undefined ? { timeoutMs: seconds * 1000 } : {}),
    loadConfig: async () => {
      if (context.config) return context.config;
      throw context.configError;
    },
    files: { logFile: options.logFile, archiveDir: options.archiveDir, quarantineDir: options.quarantineDir },
    env: context.env,
  });
  if (options.json)
    writeJson(context.io, { healthy: report.healthy, checks: report.checks, config: report.config });
  else {
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const words = commandWordsFor(lang).doctor;
    // The details are the checks' English sentences; the Spanish tables load only when wanted.
    const detail =
      lang === 'es'
        ? (await import('../ui/i18n/doctor-details-es.js')).translateDoctorDetail
        : (text: string) => text;
    const statusWidth = Math.max(
      ...(['ok', 'warn', 'fail'] as const).map((status) => words.status(status).length),
    );
    for (const check of report.checks) {
      writeLine(
        context.io.stdout,
        `${words.status(check.status).padEnd(statusWidth)}  ${words.check(check.name).padEnd(words.checkWidth)}  ${sanitizeForTerminal(detail(check.detail))}`,
      );
    }
    writeLine(context.io.stdout, report.healthy ? words.healthy : words.unhealthy);
  }
  return report.exitCode;
}
