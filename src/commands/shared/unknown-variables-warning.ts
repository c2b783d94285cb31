import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { closestChoice } from '../../core/text/closest-choice.js';
import { ENVIRONMENT_SETTINGS, findUnknownVariables } from '../../config/unknown-environment-variables.js';
import type { CommandContext, ProgramEnvironment } from '../context.js';
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

/**
 * One warning line on stderr when the command embeds (it has `--embedder`) with the hashing embedder while a model
 * or dimensions were given: someone who meant a remote model and forgot the embedder would otherwise get lexical
 * vectors without a word. Not an error: a variable exported for another job, or a config file shared by runs
 * that switch embedders, is no mistake of this run.
 */
export async function warnOfIgnoredEmbeddingSettings(
  command: CommandUnknownOpts,
  context: Pick<CommandContext, 'config' | 'env' | 'io'>,
): Promise<void> {
  const ignored = context.config?.ignoredEmbeddingSettings ?? [];
  if (ignored.length === 0 || !command.options.some((option) => option.long === '--embedder')) return;
  const { commandWords } = await import('../../ui/i18n/command-words.js');
  const lang = command.opts().lang;
  const words = commandWords(typeof lang === 'string' ? lang : undefined, context.env).environment;
  writeLine(
    context.io.stderr,
    words.ignoredByHashing(ignored, context.config!.sources.embedder !== 'default'),
  );
}
