/**
 * `doctor`'s check lines in Spanish (app/check-health, app/check-file-permissions): each check's detail, found
 * by its fixed words as the other tables do; a failed check that carries a refusal (`message (hint)`) is put
 * in Spanish by the refusal tables. Paths, versions, ids, chmod modes and a server's own words stay.
 */
import { localTimestampInSpanish } from '../../core/text/local-timestamp.js';
import { fixed, type RefusalRule } from './refusal-rules.js';
import { translateUsageHint, translateUsageMessage } from './usage-errors-es.js';

const WHO: Record<string, string> = {
  'other accounts': 'otras cuentas',
  'accounts outside its group': 'cuentas fuera de su grupo',
};

const WHAT: Record<string, string> = {
  'the database': 'la base de datos',
  'the config file': 'el archivo de configuración',
  // Not "el registro": to a records office that is the patient registry.
  'the log': 'la bitácora (--log-file)',
};

/** `describeFiles`: `'f' (mode 0644) is` / `files 'a' (mode …), 'b' (mode …) are`. */
function filesInSpanish(files: string): string {
  const modes = files.replace(/\(mode (\d+)\)/g, '(modo $1)');
  return modes.startsWith('files ') ? `: los archivos ${modes.slice('files '.length)}` : ` ${modes}`;
}

/** The vector store as the check names it: `Chroma at URL (with a token, H header)` or `embedded (sqlite-vec)`. */
function storeEs(where: string): string {
  if (where === 'embedded (sqlite-vec)') return 'embebido (sqlite-vec)';
  const chroma = /^Chroma at (\S+)(?: \(with a token, (\S+) header\))?$/.exec(where);
  if (!chroma) return where;
  return `Chroma en ${chroma[1]}${chroma[2] ? ` (con un token, cabecera ${chroma[2]})` : ''}`;
}

/** describeSources' `key value (where)`, where `config file` and `default` are words. */
function sourcesInSpanish(sources: string): string {
  return sources
    .replace(/\(config file\)/g, '(archivo de configuración)')
    .replace(/\(default\)/g, '(predeterminado)');
}

const DOCTOR_RULES: readonly RefusalRule[] = [
  { en: /^read (.+?); (.*)$/s, es: ([file, sources]) => `leído ${file}; ${sourcesInSpanish(sources!)}` },
  {
    en: /^no config file; (.*)$/s,
    es: ([sources]) => `sin archivo de configuración; ${sourcesInSpanish(sources!)}`,
  },
  {
    en: /^no answer within (\S+) s: the server may be stopped or overloaded, or a firewall drops the packets \(doctor --timeout sets the limit\)$/,
    es: ([seconds]) =>
      `sin respuesta en ${seconds} s: el servidor puede estar detenido o sobrecargado, o un cortafuegos descarta los paquetes (doctor --timeout fija el límite)`,
  },
  {
    en: /^did not answer within (\S+) s \((.+)\): the machine may be overloaded, or the program hangs$/,
    es: ([seconds, commands]) =>
      `sin respuesta en ${seconds} s (${commands}): la máquina puede estar sobrecargada, o el programa se ha colgado`,
  },
  {
    // An older database, after the tool was upgraded: IT reads this line before the night's run.
    en: /^(.+?) is reachable(.*); (\d+) migrations? not applied yet \((.*)\): the next ingest or import applies (?:it|them)$/s,
    es: ([target, security, count, names], detail) =>
      `${target} responde${security ? detail(security) : ''}; ${count === '1' ? '1 migración sin aplicar' : `${count} migraciones sin aplicar`} ` +
      `(${names}): la próxima ingesta o importación ${count === '1' ? 'la aplica' : 'las aplica'}`,
  },
  {
    en: /^(.+) \((sqlite|postgres)\) is reachable and migrated(.*)$/s,
    es: ([target, dialect, security], detail) =>
      `${target} (${dialect}) responde y está migrada${security ? detail(security) : ''}`,
  },
  fixed('; not encrypted (plain TCP to this machine)', '; sin cifrar (TCP simple a esta máquina)'),
  fixed(
    '; NOT encrypted: passwords and patient data cross the network in clear (add sslmode=verify-full and sslrootcert=CA.pem to the URL)',
    '; SIN cifrar: las contraseñas y los datos de pacientes cruzan la red en claro (añada sslmode=verify-full y sslrootcert=CA.pem a la URL)',
  ),
  {
    en: /^; encrypted(?: \((.*)\))?, (server certificate and host name verified|server certificate verified, host name not \(verify-ca\)|server certificate NOT verified \(sslmode=([\w-]+)\))$/,
    es: ([how, verified, mode]) =>
      `; cifrada${how ? ` (${how})` : ''}, ${
        mode
          ? `certificado del servidor SIN verificar (sslmode=${mode})`
          : {
              'server certificate and host name verified':
                'certificado del servidor y nombre del host verificados',
              'server certificate verified, host name not (verify-ca)':
                'certificado del servidor verificado, nombre del host no (verify-ca)',
            }[verified!]
      }`,
  },
  {
    en: /^(\S+) answered with a vector of the wrong size$/,
    es: ([id]) => `${id} respondió con un vector de tamaño incorrecto`,
  },
  {
    en: /^(\S+) \(dimension (\d+)\) answered$/,
    es: ([id, dimension]) => `${id} (dimensión ${dimension}) respondió`,
  },
  fixed(
    'the embedded vector store lives in the database, which is unavailable',
    'el índice de búsqueda embebido está en la base de datos, que no está disponible',
  ),
  {
    en: /^(.+): collection "(.*)" does not exist yet \(the first ingest creates it\)$/s,
    es: ([where, name]) =>
      `${storeEs(where!)}: la colección "${name}" todavía no existe (la primera ingesta la crea)`,
  },
  {
    en: /^(.+): collection "(.*)" \((\d+) chunks\) from (\S+), dimension (\d+)$/s,
    es: ([where, name, count, embedder, dimension]) =>
      `${storeEs(where!)}: colección "${name}" (${count} fragmentos) de ${embedder}, dimensión ${dimension}`,
  },
  {
    en: /^(.+): collection "(.*)" holds vectors from (\S+) \(dimension (\d+)\), but the configured embedder is (\S+) \(dimension (\d+)\)$/s,
    es: ([where, name, from, fromDimension, configured, dimension]) =>
      `${storeEs(where!)}: la colección "${name}" la llenó el modelo de búsqueda ${from} (dimensión ${fromDimension}), ` +
      `pero el configurado (--embedder) es ${configured} (dimensión ${dimension})`,
  },
  { en: /^([^;]+) is writable$/, es: ([dir]) => `${dir} admite escritura` },
  {
    en: /^(.+) is not writable, and need not be: the database is kept elsewhere$/s,
    es: ([dir]) => `${dir} no admite escritura, y no hace falta: la base de datos se guarda en otro lugar`,
  },
  {
    en: /^(.+) did not answer within (\S+) s \(writing a test file there\): the disk may be a network share that stopped answering$/s,
    es: ([dir, seconds]) =>
      `${dir} sin respuesta en ${seconds} s (al escribir un archivo de prueba): el disco puede ser una unidad de red que dejó de responder`,
  },
  {
    en: /^(.+) is not writable: (.*)$/s,
    es: ([dir, why], detail) => `${dir} no admite escritura: ${detail(why!)}`,
  },
  { en: /^available(?: \((.*)\))?$/, es: ([version]) => `disponible${version ? ` (${version})` : ''}` },
  fixed(
    'not installed (optional: poppler-utils); the default pdfium is used',
    'no instalado (opcional: poppler-utils); se usa pdfium, el predeterminado',
  ),
  {
    en: /^tesseract\.js (\S+) with (.*) data from npm packages \(no download\)$/,
    es: ([version, languages]) =>
      `tesseract.js ${version} con los datos de ${languages} de los paquetes npm (sin descarga)`,
  },
  {
    en: /^tesseract\.js cannot run: (.*); reinstall the tool \(npm ci\), or use --ocr-engine tesseract$/s,
    es: ([why]) =>
      `tesseract.js no puede ejecutarse: ${why}; reinstale la herramienta (npm ci), o use --ocr-engine tesseract`,
  },
  {
    en: /^available \((.*)\) for --ocr-engine tesseract$/,
    es: ([what]) => `disponible (${what}) para --ocr-engine tesseract`,
  },
  {
    en: /^not available, and the runs are set to use it \(--ocr-engine, TECSALUD_OCR_ENGINE or ocr\.engine\): needs (.*)$/s,
    es: ([needs]) =>
      `no disponible, y las ejecuciones están configuradas para usarlo (--ocr-engine, TECSALUD_OCR_ENGINE u ocr.engine): necesita ${needs}`,
  },
  {
    en: /^not available: needs (.*) \(optional: Debian apt-get install (.*)\); tesseract\.js is used$/s,
    es: ([needs, packages]) =>
      `no disponible: necesita ${needs} (opcional: Debian apt-get install ${packages}); se usa tesseract.js`,
  },
  // documents (one unfinished change; several are joined with '; ' and translated one by one)
  fixed(
    'no document move or detach was left unfinished',
    'ningún traslado o desvinculación de un documento quedó a medias',
  ),
  {
    en: /^the (move|detach) of document (\S+) from expediente (\S+)(?: to (\S+))? did not finish \(started (.+?) by (.*)\): run `(.*)` to finish it$/s,
    es: ([kind, id, from, to, at, actor, command]) =>
      kind === 'move'
        ? `el traslado del documento ${id} del expediente ${from} al ${to} no terminó (iniciado el ${localTimestampInSpanish(at!)} ` +
          `por ${actor}): ejecute \`${command}\` para terminarlo`
        : `la desvinculación del documento ${id} del expediente ${from} no terminó (iniciada el ${localTimestampInSpanish(at!)} ` +
          `por ${actor}): ejecute \`${command}\` para terminarla`,
  },
  fixed(
    'every vectorized document has its chunks in the vector store',
    'todos los documentos con fragmentos los tienen en el índice de búsqueda',
  ),
  {
    en: /^document (\S+) of expediente (\S+) is filed as vectorized, but (\d+) of its (\d+) chunks are not in the vector store, so search does not find what they hold: run `(.*)` to make them again from its text$/s,
    es: ([id, expediente, missing, total, command]) =>
      `el documento ${id} del expediente ${expediente} figura con fragmentos, pero faltan ${missing} de sus ${total} ` +
      `fragmentos en el índice de búsqueda, así que la búsqueda no encuentra lo que contienen: ejecute \`${command}\` ` +
      'para crearlos de nuevo a partir de su texto',
  },
  {
    en: /^(\d+) documents? filed in another collection still ha(?:s|ve) chunks in collection "(.*)" \(a forced re-ingest elsewhere that did not finish\), so a search of it finds them with what they held then: run `(.*)` to remove them$/s,
    es: ([count, collection, command]) =>
      `${count === '1' ? '1 documento guardado en otra colección conserva' : `${count} documentos guardados en otra colección conservan`} ` +
      `fragmentos en la colección "${collection}" (una reingesta forzada en otra colección que no terminó), así que ` +
      `una búsqueda en ella los encuentra con lo que contenían entonces: ejecute \`${command}\` para quitarlos`,
  },
  {
    en: /^(\d+) more documents miss chunks: run doctor again once these are made$/,
    es: ([count]) =>
      `a otros ${count} documentos les faltan fragmentos: ejecute doctor de nuevo cuando estén creados estos`,
  },
  {
    en: /^the chunks of (\d+) documents were not counted in the time doctor has \(doctor --timeout gives it more\)$/,
    es: ([count]) =>
      `los fragmentos de ${count} documentos no se contaron en el tiempo que tiene doctor (doctor --timeout le da más)`,
  },
  fixed(
    "the documents' chunks were not counted, as the vector store could not be read",
    'los fragmentos de los documentos no se contaron, porque no se pudo leer el índice de búsqueda',
  ),
  // run files
  // environment (one variable; several are joined with '; ' and translated one by one)
  {
    en: /^(\S+) is not read \(ignored\)(?:: did you mean (\S+)\?)?$/,
    es: ([name, near]) => `${name} no se lee (se ignora)${near ? `: ¿quiso decir ${near}?` : ''}`,
  },
  fixed(
    'the log and the folders given can be written',
    'se puede escribir en la bitácora (--log-file) y en las carpetas indicadas',
  ),
  { en: /^--log-file ([^;]+) is a folder$/, es: ([file]) => `--log-file ${file} es una carpeta` },
  {
    en: /^--log-file ([^;]+) is a named pipe \(FIFO\) that no program reads: the run would wait for ever$/,
    es: ([file]) =>
      `--log-file ${file} es una tubería con nombre (FIFO) que ningún programa lee: la ejecución esperaría para siempre`,
  },
  {
    en: /^--log-file ([^;]+): a part of its path is a file$/,
    es: ([file]) => `--log-file ${file}: una parte de su ruta es un archivo`,
  },
  { en: /^--log-file ([^;]+) cannot be written$/, es: ([file]) => `no se puede escribir --log-file ${file}` },
  {
    en: /^(--\S+) ([^;]+) is a file, not a folder$/,
    es: ([flag, dir]) => `${flag} ${dir} es un archivo, no una carpeta`,
  },
  {
    en: /^(--\S+) ([^;]+) cannot be written: files would not be moved$/,
    es: ([flag, dir]) => `no se puede escribir en ${flag} ${dir}: los archivos no se moverían`,
  },
  // permissions
  {
    en: /^(the database|the config file|the log) (.+) readable by (other accounts|accounts outside its group)(, and it holds a secret)?: chmod (\S+) (.*)$/s,
    es: ([what, files, who, secret, fix, paths]) =>
      `${WHAT[what!]}${filesInSpanish(files!.replace(/ (is|are)$/, ''))} ${files!.endsWith(' are') ? 'pueden' : 'puede'} leerse por ${WHO[who!]}` +
      `${secret ? ', y contiene un secreto' : ''}: chmod ${fix} ${paths}`,
  },
  {
    en: /^the folder (.+) \(mode (\d+)\) is open to (other accounts|accounts outside its group)$/s,
    es: ([folder, mode, who]) => `la carpeta ${folder} (modo ${mode}) está abierta a ${WHO[who!]}`,
  },
  {
    en: /^(\d+\+?) (?:file or folder inside (.+) is|files or folders inside (.+) are) readable by (other accounts|accounts outside its group)$/s,
    es: ([count, one, many, who]) =>
      count === '1'
        ? `1 archivo o carpeta dentro de ${one} puede leerse por ${WHO[who!]}`
        : `${count} archivos o carpetas dentro de ${many} pueden leerse por ${WHO[who!]}`,
  },
  {
    en: /^(.+): chmod -R (\S+) (.*)$/s,
    es: ([parts, fix, folder], detail) =>
      `${parts!.split('; ').map(detail).join('; ')}: chmod -R ${fix} ${folder}`,
  },
  {
    en: /^(.+): (owner only|owner and group only)$/s,
    es: ([checked, who]) =>
      `${checked!
        .split(', ')
        .map((item) => WHAT[item] ?? item)
        .join(', ')}: ${who === 'owner only' ? 'solo el propietario' : 'solo el propietario y el grupo'}`,
  },
  fixed(
    'nothing to check yet (no database file, config file with a secret, log or folder given)',
    'todavía nada que revisar (no se indicó archivo de base de datos, archivo de configuración con secreto, registro ni carpeta)',
  ),
];

function translateWith(text: string, depth: number): string | null {
  if (depth > 3) return null;
  for (const rule of DOCTOR_RULES) {
    const match = rule.en.exec(text);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        (nested) => translateWith(nested, depth + 1) ?? nested,
      );
  }
  return null;
}

/** A check's detail in Spanish; a failure that carries a refusal and its hint (`message (hint)`) through the refusal tables. */
export function translateDoctorDetail(detail: string): string {
  const own = translateWith(detail, 0);
  if (own !== null) return own;
  // The run files' problems, `problem; problem`.
  const parts = detail.split('; ').map((part) => translateWith(part, 0));
  if (parts.length > 1 && parts.every((part) => part !== null)) return parts.join('; ');
  // A refusal and its hint first: read whole, a message whose last part is free text ('…: connection
  // refused') swallows the hint into it, and both stay English.
  const withHint = /^(.*) \(([^()]*(?:\([^()]*\)[^()]*)*)\)$/s.exec(detail);
  if (withHint) {
    const [, message, hint] = withHint;
    const spanish = translateUsageMessage(message!);
    const spanishHint = translateUsageHint(hint!);
    if (spanish !== message && spanishHint !== hint) return `${spanish} (${spanishHint})`;
  }
  const whole = translateUsageMessage(detail);
  if (whole !== detail) return whole;
  if (withHint) {
    const [, message, hint] = withHint;
    const spanish = translateUsageMessage(message!);
    if (spanish !== message) return `${spanish} (${translateUsageHint(hint!)})`;
  }
  return detail;
}
