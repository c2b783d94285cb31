import { Command, Option } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWordsFor } from '../ui/i18n/command-words.js';
import { resolveLanguage } from '../ui/i18n/language.js';
import { formatCount, formatLocalTimestamp } from '../ui/format.js';
import { configOption, dbOption, examples, jsonOption, langOption } from './shared/options.js';
import { toSessionJson } from './shared/report-json.js';

export function sessionsCommand(command = new Command('sessions')) {
  return sessionsOptions(command).action(async (options, command) =>
    finish(command, await listSessions(options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function sessionsOptions(command: Command) {
  return command
    .addOption(new Option('--limit <n>', 'how many').default('20'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText('after', examples('sessions --json'));
}

export type SessionsOptions = ReturnType<ReturnType<typeof sessionsOptions>['opts']>;

export async function listSessions(options: SessionsOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const limit = readNumberSetting(options.limit, '--limit', { kind: 'whole', min: 1 });
  const app = await import('../app/sessions.js');
  const sessions = await app.listSessions(context, limit);
  if (options.json)
    writeJson(
      io,
      sessions.map((s) => toSessionJson(s)),
    );
  else {
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const words = commandWordsFor(lang).sessions;
    if (sessions.length === 0) writeLine(io.stdout, words.none);
    for (const s of sessions) {
      writeLine(
        io.stdout,
        `${s.id.slice(0, 8)}  ${formatLocalTimestamp(s.createdAt, lang)}  ${words.status(s.status)} ` +
          // Already waiting only when there are: a copy of content already waiting is another session's review.
          words.counts(
            formatCount(s.processedFiles).padStart(5),
            formatCount(s.totalFiles).padEnd(5),
            s.failedFiles,
            s.reviewRequired,
            s.alreadyWaiting,
          ) +
          sanitizeForTerminal(s.sourceDir),
      );
    }
  }
  return ExitCode.Success;
}
