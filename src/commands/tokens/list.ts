import { Command } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { ExitCode } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWordsFor } from '../../ui/i18n/command-words.js';
import { resolveLanguage } from '../../ui/i18n/language.js';
import { formatLocalTimestamp } from '../../ui/format.js';
import { configOption, dbOption, jsonOption, langOption } from '../shared/options.js';

export function tokensListCommand() {
  return tokensListOptions().action(async (options, command) =>
    finish(command, await listTokens(options, contextOf(command))),
  );
}

function tokensListOptions() {
  return new Command('list')
    .summary('list the tokens: name, role, state, expiry, last use (never the token)')
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption());
}

export type ListTokensOptions = ReturnType<ReturnType<typeof tokensListOptions>['opts']>;

export async function listTokens(options: ListTokensOptions, context: CommandContext): Promise<number> {
  const { listApiTokens } = await import('../../app/api-tokens.js');
  const tokens = await listApiTokens(context, context.now?.() ?? new Date());
  if (options.json) {
    writeJson(
      context.io,
      tokens.map((t) => ({
        name: t.name,
        role: t.role,
        state: t.state,
        created_by: t.createdBy,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        revoked_at: t.revokedAt,
        last_used_at: t.lastUsedAt,
      })),
    );
    return ExitCode.Success;
  }
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  const words = commandWordsFor(lang).tokens;
  const at = (iso: string) => formatLocalTimestamp(iso, lang);
  if (tokens.length === 0) {
    writeLine(context.io.stdout, words.none);
    return ExitCode.Success;
  }
  const { header } = words;
  writeLine(
    context.io.stdout,
    `${header.name.padEnd(24)} ${header.role.padEnd(9)} ${header.state.padEnd(8)} ${header.expires.padEnd(20)} ${header.lastUsed}`,
  );
  // Roles are the codes `tokens create --role` and the API take.
  for (const t of tokens) {
    writeLine(
      context.io.stdout,
      `${sanitizeForTerminal(t.name).padEnd(24)} ${t.role.padEnd(9)} ${words.state(t.state)} ` +
        `${(t.expiresAt ? at(t.expiresAt) : words.never).padEnd(20)} ${t.lastUsedAt ? at(t.lastUsedAt) : '—'}`,
    );
  }
  return ExitCode.Success;
}
