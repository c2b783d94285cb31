/**
 * The shape of the tables that put a command's refusals (a UserError's message and hint) in Spanish: each
 * rule matches one whole English sentence by its fixed words, its groups are the variable parts (paths,
 * ids, numbers, a library's own words), kept verbatim. One table per area (values, database, commands);
 * usage-errors-es tries them all.
 */
export interface RefusalRule {
  en: RegExp;
  /** The groups of `en` (index 1 first; an optional group that did not match is ''); `detail` translates a nested sentence. */
  es(parts: string[], detail: (nested: string) => string): string;
}

/** The regex source that matches `text` literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A rule for a sentence with no variable part. */
export function fixed(en: string, es: string): RefusalRule {
  return { en: new RegExp(`^${literal(en)}$`), es: () => es };
}

/**
 * The place a setting was written, in Spanish: `--db` and `TECSALUD_DB` stay (they are typed as they are),
 * `the config file's db (FILE)` and the hint's "any of them" are put in words.
 */
export function settingInSpanish(setting: string): string {
  // `ingest`'s folder argument, as its usage line names it in Spanish.
  if (setting === 'DIR') return 'CARPETA';
  if (setting === "--db, TECSALUD_DB or the config file's db")
    return '--db, TECSALUD_DB o db del archivo de configuración';
  const inFile = /^the config file's (\S+) \((.*)\)$/s.exec(setting);
  if (inFile) return `${inFile[1]} del archivo de configuración (${inFile[2]})`;
  const key = /^the config file's (\S+)$/.exec(setting);
  return key ? `${key[1]} del archivo de configuración` : setting;
}

/** `'a', 'b' or 'c'` (listOfChoices) as `'a', 'b' o 'c'`. */
export function choicesInSpanish(list: string): string {
  return list.replace(/' or '([^']*)'$/, "' o '$1'");
}
