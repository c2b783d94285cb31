/** The languages the screens speak. */
export type Lang = 'en' | 'es';

/**
 * `--lang` wins; else Spanish when LC_ALL (or, without it, LC_MESSAGES, then LANG) starts with `es`, the way
 * POSIX orders them; English otherwise.
 */
export function resolveLanguage(options: { flag?: string | null; env?: NodeJS.ProcessEnv } = {}): Lang {
  const flag = options.flag?.trim().toLowerCase();
  if (flag === 'es' || flag === 'en') return flag;
  const env = options.env ?? {};
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/**
 * The language of a run read from the words typed (`--lang es`, `--lang=es`, before a `--`), for what is said
 * before or without a parse: commander's own refusals, the help, and an error that ended the parse. The last
 * one typed, as commander takes it (`tecsalud-batch --lang es ingest … --lang en` runs ingest in English).
 */
export function languageOfArguments(argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  const at = options.findLastIndex((option) => option === '--lang' || option.startsWith('--lang='));
  const flag =
    at < 0 ? undefined : options[at]!.includes('=') ? options[at]!.slice('--lang='.length) : options[at + 1];
  return resolveLanguage({ flag, env });
}
