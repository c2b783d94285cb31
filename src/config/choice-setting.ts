import { closestChoice } from '../core/text/closest-choice.js';
import { UsageError } from '../errors.js';

/**
 * A setting that takes one of a few words (`--vector-store`, TECSALUD_OCR_ENGINE, the config file's
 * `vectorStore`), checked the same way wherever it comes from. The words are taken exactly as written, in
 * any of the three places: they are what the config file, `doctor` and the session record show, and one
 * spelling everywhere keeps them comparable. A near miss (`Chroma`, `tesseract-js`) is refused with the
 * word it most likely meant and how to write it where it was given.
 */
export function checkChoice<T extends string>(value: string, allowed: readonly T[], setting: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw choiceError(value, allowed, setting);
}

export function choiceError(value: string, allowed: readonly string[], setting: string): UsageError {
  const near = closestChoice(value, allowed);
  const write = (choice: string) => writeSetting(setting, `"${choice}"`, choice);
  return new UsageError(
    `${setting} must be ${listOfChoices(allowed)}, not '${value}'`,
    near === null
      ? `write one of them, e.g. ${write(allowed[0]!)}`
      : `did you mean '${near}'? write ${write(near)}`,
  );
}

/** `'a', 'b' or 'c'`. */
export function listOfChoices(allowed: readonly string[]): string {
  const quoted = allowed.map((choice) => `'${choice}'`);
  return quoted.length < 2
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/**
 * How `value` is written where `setting` is: `--type both`, `TECSALUD_OCR=auto`, or in the config file
 * `"vectorStore": "chroma"` (`asJson`: the value as JSON writes it).
 */
export function writeSetting(setting: string, asJson: string, value: string): string {
  if (setting.startsWith('-')) return `${setting} ${value}`;
  if (/^[A-Z][A-Z0-9_]*$/.test(setting)) return `${setting}=${value}`;
  return `"${setting.split('.').pop()}": ${asJson}`;
}
