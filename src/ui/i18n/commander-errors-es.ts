/**
 * Commander's own refusals (an unknown option or command, a missing argument, too many arguments) in Spanish,
 * as they are written to stderr: `error: …`, maybe followed by commander's `(Did you mean …?)`. Loaded with the
 * program (it is small), so that a mistyped flag is refused in the operator's language before any command loads.
 */
import { fixed, type RefusalRule } from './refusal-rules.js';

const COMMANDER_RULES: readonly RefusalRule[] = [
  { en: /^unknown option '(.*)'$/, es: ([flag]) => `opción desconocida '${flag}'` },
  { en: /^unknown command '(.*)'$/, es: ([name]) => `comando desconocido '${name}'` },
  { en: /^missing required argument '(.*)'$/, es: ([name]) => `falta el argumento obligatorio '${name}'` },
  { en: /^option '(.*)' argument missing$/, es: ([flags]) => `a la opción '${flags}' le falta su valor` },
  {
    en: /^required option '(.*)' not specified$/,
    es: ([flags]) => `no se indicó la opción obligatoria '${flags}'`,
  },
  {
    en: /^too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\.$/,
    es: ([command, expected, got]) =>
      `demasiados argumentos${command ? ` para '${command}'` : ''}: se esperaba${expected === '1' ? '' : 'n'} ${expected} y se recibieron ${got}`,
  },
  {
    en: /^(option|environment variable) '(.*)' cannot be used with (option|environment variable) '(.*)'$/,
    es: ([kind, name, otherKind, other]) =>
      `${kind === 'option' ? 'la opción' : 'la variable de entorno'} '${name}' no se puede usar con ` +
      `${otherKind === 'option' ? 'la opción' : 'la variable de entorno'} '${other}'`,
  },
  { en: /^\(Did you mean one of (.*)\?\)$/, es: ([names]) => `(¿quiso decir alguna de estas? ${names})` },
  { en: /^\(Did you mean (.*)\?\)$/, es: ([name]) => `(¿quiso decir ${name}?)` },
  fixed('(run with --help for usage)', '(ejecute con --help para ver el uso)'),
];

function translateLine(line: string): string {
  const error = line.startsWith('error: ');
  const text = error ? line.slice('error: '.length) : line;
  for (const rule of COMMANDER_RULES) {
    const match = rule.en.exec(text);
    if (match)
      return `${error ? 'error: ' : ''}${rule.es(
        match.slice(1).map((part) => part ?? ''),
        (nested) => nested,
      )}`;
  }
  return line;
}

/** Commander's refusal (one or more lines) in Spanish, line by line; a line no rule knows is kept. */
export function translateCommanderError(text: string): string {
  return text.split('\n').map(translateLine).join('\n');
}
