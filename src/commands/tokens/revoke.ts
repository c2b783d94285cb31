import { Command } from '@commander-js/extra-typings';
import { ExitCode } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeLine } from '../shared/io.js';
import { commandWords } from '../../ui/i18n/command-words.js';
import { configOption, dbOption, langOption, userOption } from '../shared/options.js';

export function tokensRevokeCommand() {
  return tokensRevokeOptions().action(async (name, options, command) =>
    finish(command, await revokeToken(name, options, contextOf(command))),
  );
}

function tokensRevokeOptions() {
  return new Command('revoke')
    .summary('revoke a token: its next call is refused')
    .argument('<name>', 'the token’s name')
    .addOption(userOption('who revokes it'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(langOption());
}

export type RevokeTokenOptions = ReturnType<ReturnType<typeof tokensRevokeOptions>['opts']>;

export async function revokeToken(
  name: string,
  options: RevokeTokenOptions,
  context: CommandContext,
): Promise<number> {
  const [{ revokeApiToken }, { currentUser }] = await Promise.all([
    import('../../app/api-tokens.js'),
    import('../../app/current-user.js'),
  ]);
  await revokeApiToken(context, name, options.user?.trim() || currentUser());
  writeLine(context.io.stdout, commandWords(options.lang, context.env).tokens.revoked(name));
  return ExitCode.Success;
}
