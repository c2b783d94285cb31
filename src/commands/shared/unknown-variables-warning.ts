import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { closestChoice } from '../../core/text/closest-choice.js';
import { ENVIRONMENT_SETTINGS, findUnknownVariables } from '../../config/unknown-environment-variables.js';
import type { ProgramEnvironment } from '../context.js';
import { writeLine } from './io.js';

/**
 * One warning line on stderr per TECSALUD_* variable the tool does not read, before `command` runs (see
 * findUnknownVariables): with the variable it most likely meant, or the flag of this command it looks like
 * (a variable meant for `--concurrency`, which none sets). Not an error: a cron job keeps running.
 */
export async function warnOfUnknownVariables(
  command: CommandUnknownOpts,
  environment: Pick<ProgramEnvironment, 'env' | 'io'>,
): Promise<void> {
  const unknown = findUnknownVariables(environment.env);
  if (unknown.length === 0) return;
  // The words only for a warning to give: a run with a clean environment never loads them.
  const { commandWords } = await import('../../ui/i18n/command-words.js');
  const lang = command.opts().lang;
  const words = commandWords(typeof lang === 'string' ? lang : undefined, environment.env).environment;
  const flags = command.options.flatMap((option) => (option.long ? [option.long] : []));
  for (const { name, near } of unknown) {
    const flag = near
      ? null
      : closestChoice(`--${name.slice('TECSALUD_'.length).toLowerCase().replace(/_/g, '-')}`, flags);
    writeLine(
      environment.io.stderr,
      words.unknownVariable(name, { variable: near, flag }, ENVIRONMENT_SETTINGS),
    );
  }
}
