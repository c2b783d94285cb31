import { Command, Option } from '@commander-js/extra-typings';
import { ExitCode } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWordsFor } from '../../ui/i18n/command-words.js';
import { resolveLanguage } from '../../ui/i18n/language.js';
import { formatLocalTimestamp } from '../../ui/format.js';
import { parseDuration } from '../shared/duration.js';
import { configOption, dbOption, jsonOption, langOption, userOption } from '../shared/options.js';

export function tokensCreateCommand() {
  return tokensCreateOptions().action(async (options, command) =>
    finish(command, await createToken(options, contextOf(command))),
  );
}

/** The command's options and help, without its action (its handler's types come from here). */
function tokensCreateOptions() {
  return new Command('create')
    .summary('create a token and print it (once: only its hash is stored)')
    .requiredOption(
      '--name <name>',
      'who or what uses it (the audit log names its calls by it), e.g. frontend',
    )
    .addOption(
      new Option(
        '--role <role>',
        'viewer (reads), uploader (also uploads and processes) or admin (also reviews, cleanup)',
      )
        .choices(['viewer', 'uploader', 'admin'] as const)
        .makeOptionMandatory(),
    )
    .option('--expires <age>', 'valid for this long, e.g. 90d, 12w, 24h (default: until revoked)')
    .addOption(userOption('who creates it'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption());
}

export type CreateTokenOptions = ReturnType<ReturnType<typeof tokensCreateOptions>['opts']>;

export async function createToken(options: CreateTokenOptions, context: CommandContext): Promise<number> {
  const now = context.now?.() ?? new Date();
  const expiresAt = options.expires ? new Date(now.getTime() + parseExpiry(options.expires)) : null;
  const [{ createApiToken }, { currentUser }] = await Promise.all([
    import('../../app/api-tokens.js'),
    import('../../app/current-user.js'),
  ]);
  const { token, info } = await createApiToken(context, {
    name: options.name,
    role: options.role,
    createdBy: options.user?.trim() || currentUser(),
    expiresAt,
    now: () => context.now?.() ?? new Date(),
  });
  if (options.json) {
    writeJson(context.io, { name: info.name, role: info.role, expires_at: info.expiresAt, token });
  } else {
    writeLine(context.io.stdout, token);
    const lang = resolveLanguage({ flag: options.lang, env: context.env });
    const until = info.expiresAt && formatLocalTimestamp(info.expiresAt, lang);
    writeLine(context.io.stderr, commandWordsFor(lang).tokens.created(info.name, info.role, until));
  }
  return ExitCode.Success;
}

/** `--expires 90d`: how long the token is valid, in milliseconds. */
function parseExpiry(text: string): number {
  return parseDuration(text, {
    flag: '--expires',
    example: '90d, 12w, 24h or 1y',
    tooLongHint: 'for a token that never expires, leave --expires out (revoke it when done)',
    mIsAmbiguous: true,
  });
}
