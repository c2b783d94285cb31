import { Command } from '@commander-js/extra-typings';
import {
  acceptSharedOptionsFirst,
  configOption,
  dbOption,
  examples,
  jsonOption,
  langOption,
} from '../shared/options.js';
import { patientsImportCommand } from './import.js';
import { patientsListCommand } from './list.js';
import { patientsSearchCommand } from './search.js';
import { patientsShowCommand } from './show.js';

/** `patients import | list | show | search`: the registry the matcher reads. */
export function patientsCommand(command = new Command('patients')) {
  return acceptSharedOptionsFirst(command, [dbOption(), configOption(), jsonOption(), langOption()])
    .description('Manage the patient registry used for matching.')
    .addHelpText(
      'after',
      examples(
        'patients import fixtures/registry.csv',
        'patients list --limit 20',
        'patients show 3000003799',
        'patients search "GARZA TIJERINA"',
      ),
    )
    .addCommand(patientsImportCommand())
    .addCommand(patientsListCommand())
    .addCommand(patientsShowCommand())
    .addCommand(patientsSearchCommand());
}
