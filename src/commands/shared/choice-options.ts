import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { checkChoice } from '../../config/choice-setting.js';

/**
 * Makes every option declared with `.choices()` (in `command` and its subcommands) refuse a value outside
 * them as the environment and the config file do (see checkChoice): the value given, and the choice it most
 * likely meant written out as a flag. Commander's own refusal only lists the choices. `--help` still lists
 * them: `argChoices` is kept.
 */
export function refuseChoicesWithHint(command: CommandUnknownOpts): void {
  for (const option of command.options) {
    const choices = option.argChoices;
    if (!choices || option.variadic) continue;
    const setting = option.long ?? option.flags;
    option.parseArg = <T>(value: string): T => checkChoice(value, choices, setting) as T;
  }
  for (const sub of command.commands) refuseChoicesWithHint(sub);
}
