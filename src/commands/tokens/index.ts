import { Command } from '@commander-js/extra-typings';
import { acceptSharedOptionsFirst, configOption, dbOption, examples, langOption } from '../shared/options.js';
import { tokensCreateCommand } from './create.js';
import { tokensListCommand } from './list.js';
import { tokensRevokeCommand } from './revoke.js';

/** `tokens create | list | revoke`: the bearer tokens of the HTTP API (`tecsalud-batch serve`). */
export function tokensCommand(command = new Command('tokens')) {
  return acceptSharedOptionsFirst(command, [dbOption(), configOption(), langOption()])
    .description(
      'Manage the bearer tokens of the HTTP API (tecsalud-batch serve). Roles: viewer reads; uploader also ' +
        'uploads and processes; admin also decides reviews and cleans up. Only a hash of each token is stored.',
    )
    .addHelpText(
      'after',
      examples(
        'tokens create --name frontend --role uploader --expires 90d',
        'tokens list',
        'tokens revoke frontend',
      ),
    )
    .addCommand(tokensCreateCommand())
    .addCommand(tokensListCommand())
    .addCommand(tokensRevokeCommand());
}
