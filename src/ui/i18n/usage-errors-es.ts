/**
 * The refusals of a command (a UserError's message and hint), in Spanish, for the administrator who runs the
 * tool with --lang es or a Spanish locale. As with the per-file messages (file-details-es), the code builds
 * the English sentence and the tables translate it whole, found by its fixed words; a message no rule knows
 * is printed as it is. This file holds the refusals of a value (a flag, an environment variable, the config
 * file); database-errors-es, command-errors-es and service-errors-es the others; translateUsageMessage / Hint
 * try them all, then review --reopen's and the per-file messages' rules (a refusal may carry one of those).
 */
import { COMMAND_RULES } from './command-errors-es.js';
import { DATABASE_RULES } from './database-errors-es.js';
import { translateRefusal as translateReopenRefusal } from './file-details-es.js';
import { messagesFor } from './messages.js';
import { SERVICE_RULES } from './service-errors-es.js';
import { choicesInSpanish, fixed, settingInSpanish, type RefusalRule } from './refusal-rules.js';

/** describeRange's words: "a whole number from 1 to 64", "a number above 0", "a whole number from 1 up". */
const RANGE =
  '(a whole number|a number) (?:from (\\S+) to (\\S+)|from (\\S+) up|above (\\S+) and up to (\\S+)|above (\\S+))';

function rangeInSpanish([what, from, to, fromUp, above, aboveUpTo, aboveOnly]: string[]): string {
  const number = what === 'a whole number' ? 'un número entero' : 'un número';
  if (from) return `${number} de ${from} a ${to}`;
  if (fromUp) return `${number} mayor o igual que ${fromUp}`;
  if (above) return `${number} mayor que ${above} y hasta ${aboveUpTo}`;
  return `${number} mayor que ${aboveOnly}`;
}

/** What a JSON value was, as a config file's refusal names it (see jsonKindOf in load-config.ts). */
const JSON_KINDS_ES: Record<string, string> = {
  null: 'null',
  'a list ([ … ])': 'una lista ([ … ])',
  'a string': 'un texto',
  'a number': 'un número',
  'true or false': 'true o false',
  'something else': 'otra cosa',
};

function jsonKindInSpanish(kind: string): string {
  return JSON_KINDS_ES[kind] ?? kind;
}

const MISSING_ES: Record<string, string> = {
  'no host and no database name': 'ni el servidor (host) ni el nombre de la base de datos',
  'no host': 'el servidor (host)',
  'no database name': 'el nombre de la base de datos',
};

/**
 * fileSystemProblem's words, and the other short reasons a file or folder could not be used ('permission
 * denied' is the per-file table's, tried after these).
 */
const FILE_SYSTEM_RULES: readonly RefusalRule[] = [
  fixed('it does not exist', 'no existe'),
  fixed('it is a folder', 'es una carpeta'),
  fixed('it is a file, not a folder', 'es un archivo, no una carpeta'),
  fixed('a part of its path is a file, not a folder', 'una parte de su ruta es un archivo, no una carpeta'),
  fixed('the file system is read-only', 'el sistema de archivos es de solo lectura'),
  fixed('its folder does not exist and cannot be created', 'su carpeta no existe y no se puede crear'),
];

/** Numbers, choices, paths, durations, sizes, URLs and the config file. */
const VALUE_RULES: readonly RefusalRule[] = [
  {
    en: new RegExp(`^(\\S+) must be ${RANGE}; got (.*)$`),
    es: ([setting, ...rest]) =>
      `${setting} debe ser ${rangeInSpanish(rest.slice(0, 7))}; se recibió ${rest[7]}`,
  },
  {
    en: /^(\S+) must be (a whole number|a number) in plain decimal digits, not '(.*)'$/s,
    es: ([setting, what, given]) =>
      `${setting} debe ser ${what === 'a whole number' ? 'un número entero' : 'un número'} escrito en dígitos decimales, no '${given}'`,
  },
  {
    en: /^the PostgreSQL URL in (.+) \('(.*)'\) has (no host and no database name|no host|no database name)$/s,
    es: ([setting, url, missing]) =>
      `la URL de PostgreSQL en ${settingInSpanish(setting!)} ('${url}') no indica ${MISSING_ES[missing!]}`,
  },
  fixed('write digits only (a whole number)', 'escriba solo dígitos (un número entero)'),
  fixed(
    'write digits, with a point for decimals (e.g. 0.85)',
    'escriba dígitos, con punto para los decimales (p. ej. 0.85)',
  ),
  {
    en: /^write it in plain digits \(no spaces, sign, exponent or 0x\), e\.g\. (.*)$/s,
    es: ([example]) => `escríbalo solo con dígitos (sin espacios, signo, exponente ni 0x), p. ej. ${example}`,
  },
  {
    en: /^write it as postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE, e\.g\. (.*) \(a local socket: (.*)\)$/s,
    es: ([server, socket]) =>
      `escríbala como postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BASE_DE_DATOS, p. ej. ${server} (un socket local: ${socket})`,
  },
  // choice-setting: a flag, a variable or a config key that takes one of a few words.
  {
    en: /^(\S+) must be ('[^;]*'), not '([^;]*)'$/s,
    es: ([setting, choices, given]) =>
      `${settingInSpanish(setting!)} debe ser ${choicesInSpanish(choices!)}, no '${given}'`,
  },
  { en: /^write one of them, e\.g\. (.*)$/s, es: ([example]) => `escriba una de ellas, p. ej. ${example}` },
  // Not a config key's "write that instead of 'KEY'": the rule below says that one whole (this one left it half English).
  {
    en: /^did you mean '(.*)'\? write (?!that instead of )(.*)$/s,
    es: ([near, example]) => `¿quiso decir '${near}'? escriba ${example}`,
  },
  // path-setting
  {
    en: /^(.+) '(.*)' starts with '(.*)~', which only a shell expands \(not inside quotes, a config file, an environment variable or a systemd unit\)$/s,
    es: ([setting, value, scheme]) =>
      `${settingInSpanish(setting!)} '${value}' empieza con '${scheme}~', que solo un shell expande (no entre comillas, en un archivo de configuración, en una variable de entorno ni en una unidad de systemd)`,
  },
  {
    en: /^write the full path instead: the home folder of (this account|\S+) followed by '(.*)'$/s,
    es: ([user, rest]) =>
      `escriba la ruta completa: la carpeta personal de ${user === 'this account' ? 'esta cuenta' : user} seguida de '${rest}'`,
  },
  { en: /^write the full path instead: (.*)$/s, es: ([path]) => `escriba la ruta completa: ${path}` },
  {
    en: /^give a path, or leave (.+) out; in a cron line or a systemd unit, check the variable it comes from$/s,
    es: ([setting]) =>
      `indique una ruta, u omita ${settingInSpanish(setting!)}; en una línea de cron o una unidad de systemd, revise la variable de la que viene`,
  },
  // durations and sizes
  { en: /^(\S+) '(.*)' is not a duration$/s, es: ([flag, text]) => `${flag} '${text}' no es una duración` },
  { en: /^write it like (.*) or (\S+)$/s, es: ([some, last]) => `escríbalo como ${some} o ${last}` },
  { en: /^(\S+) '(.*)' is too long$/s, es: ([flag, text]) => `${flag} '${text}' es demasiado largo` },
  {
    en: /^(\S+) '(.*)' is ambiguous: m would be minutes, not months$/s,
    es: ([flag, text]) => `${flag} '${text}' es ambiguo: m serían minutos, no meses`,
  },
  {
    en: /^write months as weeks or days \(six months: 26w or 182d\), or minutes as (\S+)$/s,
    es: ([minutes]) =>
      `escriba los meses en semanas o días (seis meses: 26w o 182d), o los minutos como ${minutes}`,
  },
  fixed('at most 100y', 'como máximo 100y'),
  fixed(
    'at most 100y; for a token that never expires, leave --expires out (revoke it when done)',
    'como máximo 100y; para un token que no caduca, omita --expires (revóquelo cuando ya no se use)',
  ),
  { en: /^(\S+) '(.*)' is not a size$/s, es: ([flag, text]) => `${flag} '${text}' no es un tamaño` },
  // http-url
  {
    en: /^(.+) '(.*)' is not an http:\/\/ or https:\/\/ URL$/s,
    es: ([what, value]) => `${settingInSpanish(what!)} '${value}' no es una URL http:// ni https://`,
  },
  fixed('give it as http://HOST:PORT', 'escríbala como http://HOST:PUERTO'),
  { en: /^write it with its scheme: (.*)$/s, es: ([url]) => `escríbala con su esquema: ${url}` },
  // the config file
  {
    en: /^cannot read the config file (.+): (.+)$/s,
    es: ([file, why], detail) => `no se puede leer el archivo de configuración ${file}: ${detail(why!)}`,
  },
  fixed('check the path given with --config', 'revise la ruta indicada con --config'),
  {
    en: /^the config file (.+) is empty$/s,
    es: ([file]) => `el archivo de configuración ${file} está vacío`,
  },
  fixed(
    'write {} in it for no settings, or leave out --config',
    'escriba {} en él para no dar ajustes, u omita --config',
  ),
  fixed('write {} in it for no settings, or remove it', 'escriba {} en él para no dar ajustes, o bórrelo'),
  {
    en: /^(.+) is not valid JSON(?: at line (\d+), column (\d+))?: (.*)$/s,
    es: ([name, line, column, what]) =>
      `${name} no es JSON válido${line ? ` en la línea ${line}, columna ${column}` : ''}: ${what}`,
  },
  {
    en: /^JSON wants double-quoted keys and strings, no trailing commas and no comments; fix (.+) \(`tecsalud-batch doctor` checks it\)$/s,
    es: ([file]) =>
      `JSON pide claves y textos entre comillas dobles, sin comas al final ni comentarios; corrija ${file} (\`tecsalud-batch doctor\` lo revisa)`,
  },
  {
    en: /^fix (.+), or pass another with --config$/s,
    es: ([file]) => `corrija ${file}, o indique otro con --config`,
  },
  { en: /^unknown key '(.*)'$/, es: ([key]) => `clave desconocida '${key}'` },
  {
    en: /^remove '(.*)' \(the keys(?: of (\S+))? are (.*)\)$/s,
    es: ([key, of, known]) => `quite '${key}' (las claves${of ? ` de ${of}` : ''} son ${known})`,
  },
  { en: /^remove '(.*)'$/, es: ([key]) => `quite '${key}'` },
  {
    en: /^did you mean '(.*)'\? write that instead of '(.*)'$/,
    es: ([near, key]) => `¿quiso decir '${near}'? escríbalo en lugar de '${key}'`,
  },
  {
    en: /^leave it out for the default collection '(.*)'$/s,
    es: ([name]) => `omítalo para usar la colección predeterminada '${name}'`,
  },
  {
    en: /^(\S+) '(.*)' is not a name Chroma accepts$/s,
    es: ([setting, name]) => `${settingInSpanish(setting!)} '${name}' no es un nombre que Chroma acepte`,
  },
  fixed(
    'use 3 to 512 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit (e.g. medical_documents_2)',
    'use de 3 a 512 letras, dígitos, puntos, guiones o guiones bajos, y empiece y termine con una letra o un dígito (p. ej. medical_documents_2)',
  ),
  {
    en: /^the config file must hold one JSON object of settings \(\{ … \}\), not (.+)$/s,
    es: ([given]) =>
      `el archivo de configuración debe contener un objeto JSON de ajustes ({ … }), no ${jsonKindInSpanish(given!)}`,
  },
  {
    en: /^(\S+) must be an object of settings \(\{ … \}\), not (.+)$/s,
    es: ([field, given]) => `${field} debe ser un objeto de ajustes ({ … }), no ${jsonKindInSpanish(given!)}`,
  },
  fixed('write {} for no settings', 'escriba {} si no quiere ajustes'),
  fixed(
    'give the name the audit log should record, or leave --user out to record the OS user',
    'indique el nombre que debe registrar la bitácora de auditoría, u omita --user para registrar el usuario del sistema',
  ),
  { en: /^(\S+) must be true or false$/, es: ([field]) => `${field} debe ser true o false` },
  { en: /^(\S+) must be a string$/, es: ([field]) => `${field} debe ser un texto` },
  { en: /^(\S+) must be a number$/, es: ([field]) => `${field} debe ser un número` },
  ...FILE_SYSTEM_RULES,
  // Last: the sentences above that end the same way are more particular.
  { en: /^(.+) is empty$/s, es: ([setting]) => `${settingInSpanish(setting!)} está vacío` },
  { en: /^(.+) must not be empty$/s, es: ([setting]) => `${settingInSpanish(setting!)} no debe estar vacío` },
];

const RULES: readonly RefusalRule[] = [...VALUE_RULES, ...DATABASE_RULES, ...COMMAND_RULES, ...SERVICE_RULES];

/** Nested sentences deeper than this are left as they are (a loop would be a rule's bug, not the user's). */
const MAX_DEPTH = 3;

function translateWith(text: string, depth = 0): string | null {
  if (depth > MAX_DEPTH) return null;
  const detail = (nested: string) => translateWith(nested, depth + 1) ?? nested;
  for (const rule of RULES) {
    const match = rule.en.exec(text);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        detail,
      );
  }
  const reopen = translateReopenRefusal(text);
  if (reopen !== text) return reopen;
  const perFile = messagesFor('es').detail(text);
  return perFile === text ? null : perFile;
}

/** `a; b; c` when every part is known, else null (half a translation would garble it). */
function translateEach(parts: string[]): string | null {
  const translated = parts.map((part) => translateWith(part));
  return translated.every((part) => part !== null) ? translated.join('; ') : null;
}

/**
 * The Spanish of a refusal's message. An options schema's is `problem; problem`, the config file's
 * `FILE: problem; problem`: translated when every problem is known, else left whole.
 */
export function translateUsageMessage(message: string): string {
  const whole = translateWith(message);
  if (whole !== null) return whole;
  // An options schema's refusal: `problem; problem`.
  const listed = message.includes('; ') ? translateEach(message.split('; ')) : null;
  if (listed !== null) return listed;
  const colon = message.indexOf(': ');
  if (colon > 0) {
    // A range refusal holds its own "; got": glue each "got …" back to the problem it ends.
    const problems = message
      .slice(colon + 2)
      .split('; ')
      .reduce<string[]>((all, part) => {
        if (part.startsWith('got ') && all.length > 0) all[all.length - 1] += `; ${part}`;
        else all.push(part);
        return all;
      }, []);
    const translated = translateEach(problems);
    if (translated !== null) return `${message.slice(0, colon)}: ${translated}`;
  }
  return message;
}

/** The Spanish of a refusal's hint; the config file's is `fix; fix in FILE`, translated when every fix is known. */
export function translateUsageHint(hint: string): string {
  const whole = translateWith(hint);
  if (whole !== null) return whole;
  const at = hint.lastIndexOf(' in ');
  const fixes = at > 0 ? translateEach(hint.slice(0, at).split('; ')) : null;
  return fixes === null ? hint : `${fixes} en ${hint.slice(at + ' in '.length)}`;
}
