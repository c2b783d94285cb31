/**
 * The refusals of a value (a flag, an environment variable, the config file), in Spanish, for the
 * administrator who runs the tool with --lang es or a Spanish locale. As with the per-file messages
 * (file-details-es), the code builds the English sentence and this table translates it whole, found by
 * its fixed words; a message no rule knows is printed as it is.
 */
interface UsageRule {
  en: RegExp;
  es(parts: string[]): string;
}

/** describeRange's words: "a whole number from 1 to 64", "a number above 0", "a whole number from 1 up". */
const RANGE = '(a whole number|a number) (?:from (\\S+) to (\\S+)|from (\\S+) up|above (\\S+) and up to (\\S+)|above (\\S+))';

function rangeInSpanish([what, from, to, fromUp, above, aboveUpTo, aboveOnly]: string[]): string {
  const number = what === 'a whole number' ? 'un número entero' : 'un número';
  if (from) return `${number} de ${from} a ${to}`;
  if (fromUp) return `${number} mayor o igual que ${fromUp}`;
  if (above) return `${number} mayor que ${above} y hasta ${aboveUpTo}`;
  return `${number} mayor que ${aboveOnly}`;
}

const MESSAGE_RULES: readonly UsageRule[] = [
  {
    en: new RegExp(`^(\\S+) must be ${RANGE}; got (.*)$`),
    es: ([setting, ...rest]) => `${setting} debe ser ${rangeInSpanish(rest.slice(0, 7))}; se recibió ${rest[7]}`,
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
];

const MISSING_ES: Record<string, string> = {
  'no host and no database name': 'ni el servidor (host) ni el nombre de la base de datos',
  'no host': 'el servidor (host)',
  'no database name': 'el nombre de la base de datos',
};

/** `--db`, `TECSALUD_DB`, or `the config file's db (FILE)`. */
function settingInSpanish(setting: string): string {
  const inFile = /^the config file's db \((.*)\)$/s.exec(setting);
  return inFile ? `db del archivo de configuración (${inFile[1]})` : setting;
}

const HINT_RULES: readonly UsageRule[] = [
  { en: /^write digits only \(a whole number\)$/, es: () => 'escriba solo dígitos (un número entero)' },
  {
    en: /^write digits, with a point for decimals \(e\.g\. 0\.85\)$/,
    es: () => 'escriba dígitos, con punto para los decimales (p. ej. 0.85)',
  },
  {
    en: /^write it in plain digits \(no spaces, sign, exponent or 0x\), e\.g\. (.*)$/s,
    es: ([example]) => `escríbalo solo con dígitos (sin espacios, signo, exponente ni 0x), p. ej. ${example}`,
  },
  {
    en: /^write it as postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE, e\.g\. (.*) \(a local socket: (.*)\)$/s,
    es: ([server, socket]) =>
      `escríbala como postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BASE_DE_DATOS, p. ej. ${server} (un socket local: ${socket})`,
  },
  { en: /^fix (.+), or pass another with --config$/s, es: ([file]) => `corrija ${file}, o indique otro con --config` },
];

function translateWith(rules: readonly UsageRule[], text: string): string | null {
  for (const rule of rules) {
    const match = rule.en.exec(text);
    if (match) return rule.es(match.slice(1).map((part) => part ?? ''));
  }
  return null;
}

/**
 * The Spanish of a usage error's message. The config file's refusal is `FILE: problem; problem`: it is
 * translated when every problem is known, else left whole (half a translation would garble it).
 */
export function translateUsageMessage(message: string): string {
  const whole = translateWith(MESSAGE_RULES, message);
  if (whole !== null) return whole;
  const colon = message.indexOf(': ');
  if (colon > 0) {
    const problems = message.slice(colon + 2).split('; ');
    // A range refusal holds its own "; got": glue each "got …" back to the problem it ends.
    const joined = problems.reduce<string[]>((all, part) => {
      if (part.startsWith('got ') && all.length > 0) all[all.length - 1] += `; ${part}`;
      else all.push(part);
      return all;
    }, []);
    const translated = joined.map((problem) => translateWith(MESSAGE_RULES, problem));
    if (translated.every((problem) => problem !== null)) return `${message.slice(0, colon)}: ${translated.join('; ')}`;
  }
  return message;
}

export function translateUsageHint(hint: string): string {
  return translateWith(HINT_RULES, hint) ?? hint;
}
