import fs from 'node:fs';
import path from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { ExitCode, UsageError } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import { commandWords } from '../ui/i18n/command-words.js';
import { configOption, dbOption, examples, helpText, jsonOption, langOption } from './shared/options.js';

export function unlockCommand(command = new Command('unlock')) {
  return unlockOptions(command).action(async (dir, options, command) =>
    finish(command, await unlock(dir, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function unlockOptions(command: Command) {
  return command
    .argument('<dir>', 'the folder whose run lock to lift, as given to `ingest`')
    .option(
      '--force',
      'lift a SQLite lock taken on another host, which this machine cannot check: only when no run goes on there',
    )
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      helpText(
        'A run lock left by a killed run on this host is taken over by the next run by itself; a lock taken on\n' +
          'another host (a container that came back under another host name, a machine that went down) needs a\n' +
          'person to say that run is over. A run that still goes on is never unlocked (exit 75).',
        examples(
          'unlock /srv/entrada/expedientes',
          'unlock /srv/entrada/expedientes --force   # taken on another host',
        ),
      ),
    );
}

export type UnlockOptions = ReturnType<ReturnType<typeof unlockOptions>['opts']>;

export async function unlock(dir: string, options: UnlockOptions, context: CommandContext): Promise<number> {
  if (dir.trim() === '')
    throw new UsageError('name the folder whose run lock to lift (an empty argument was given)');
  const { unlockFolder } = await import('../app/unlock-folder.js');
  const { sourceDir, removed } = await unlockFolder(context, {
    dir: path.resolve(context.cwd, dir),
    force: Boolean(options.force),
  });
  if (!removed && !fs.existsSync(sourceDir)) {
    // A lock outlives its folder (it is lifted above even then); no lock and no folder is a mistyped path, not
    // "nothing to lift": said as a success, the person would go on believing the run they meant is unlocked.
    throw new UsageError(
      `no run lock on ${sanitizeForTerminal(sourceDir)}, and that folder does not exist`,
      'check the path: give the folder as it was given to `ingest` (`tecsalud-batch sessions` lists the folders of the runs)',
    );
  }
  if (options.json) {
    writeJson(context.io, {
      source_dir: sourceDir,
      removed: removed
        ? {
            pid: removed.pid,
            host: removed.host,
            started_at: removed.startedAt,
            session_id: removed.sessionId,
          }
        : null,
    });
  } else if (removed) {
    writeLine(
      context.io.stdout,
      commandWords(options.lang, context.env).unlock.lifted(sanitizeForTerminal(sourceDir), {
        pid: removed.pid,
        host: sanitizeForTerminal(removed.host),
        startedAt: removed.startedAt,
        session: removed.sessionId?.slice(0, 8) ?? null,
      }),
    );
  } else {
    writeLine(
      context.io.stdout,
      commandWords(options.lang, context.env).unlock.nothing(sanitizeForTerminal(sourceDir)),
    );
  }
  return ExitCode.Success;
}
