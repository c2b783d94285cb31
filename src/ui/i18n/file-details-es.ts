import { FILE_OUTCOMES, type FileOutcome } from '../../core/pipeline/file-outcome.js';
import {
  datesDayFirst,
  LOCAL_TIMESTAMP_PATTERN,
  localTimestampInSpanish,
} from '../../core/text/local-timestamp.js';
import { LIBRARY_ERROR_RULES } from './library-errors-es.js';
import { startedInSpanish } from './started-es.js';

/**
 * The birth date a document states, as the content check words it (`1971-03-04 or 1971-04-03 (day and month order
 * unclear)` for an ambiguous numeric date, see birthDateText): day first, in Spanish.
 */
function statedDatesInSpanish(stated: string): string {
  return datesDayFirst(stated)
    .replace(' (day and month order unclear)', ' (orden día/mes incierto)')
    .replace(/ or (?=\d)/g, ' o ');
}

/**
 * The per-file messages in Spanish, for the screens only. The core, the adapters and the database keep
 * each file's message in English (the `--json` report, the logs and `error_message` are read by programs),
 * so the screens translate the finished sentence: one rule per sentence the code can produce, found by its
 * fixed words, with the variable parts (file names, numbers, paths, a library's own error) kept verbatim.
 * A message no rule knows is shown as it is: half a translation would garble it.
 */

/** What a rule's Spanish needs besides its captures. */
export interface DetailContext {
  /** The Spanish of a nested message (a reason inside parentheses, an error after a colon). */
  detail(message: string): string;
  /** The Spanish words of a matching reason code (`name_only_match`), or the code when unknown. */
  reason(code: string): string;
  /** The Spanish label of an outcome. */
  outcome(outcome: FileOutcome): string;
}

export interface DetailRule {
  /** Matches the whole English message; its groups are the variable parts. */
  en: RegExp;
  /** The groups are those of `en` (index 1 first); an optional group that did not match is ''. */
  es(parts: string[], context: DetailContext): string;
}

const DATE = '(\\d{4}-\\d{2}-\\d{2})';

/** The regex source that matches `text` literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A rule for a sentence with no variable part. */
function fixed(en: string, es: string): DetailRule {
  return { en: new RegExp(`^${literal(en)}$`), es: () => es };
}

/** A rule for a sentence `describeFailure` may follow with a low-level detail in parentheses. */
function withDetail(en: string, es: string): DetailRule {
  return {
    en: new RegExp(`^${literal(en)}(?: \\((.*)\\))?$`),
    es: ([detail], c) => (detail ? `${es} (${c.detail(detail)})` : es),
  };
}

const plural = (n: string, one: string, many: string) => (n === '1' ? one : many);

/** `describeCharacters`' list: only "a space" has words; code points and quoted characters stay. */
function characters(list: string): string {
  return list.replace(/(^|, )a space(?=, |$)/g, '$1un espacio');
}

/**
 * A failure remembered from an earlier run (settle-known-files): the message then, and since when. First,
 * so that a rule whose message ends in a free detail does not take the suffix for part of the detail.
 */
const REMEMBERED_RULE: DetailRule = {
  en: new RegExp(`^(.+) \\(unchanged since ${DATE}; not read again\\)$`),
  es: ([message, since], c) =>
    `${c.detail(message!)} (sin cambios desde ${localTimestampInSpanish(since!)}; no se volvió a leer)`,
};

/** The filename parser's messages (src/core/filename/parse-filename.ts, parse-person-name.ts). */
const FILENAME_RULES: DetailRule[] = [
  fixed('empty file name', 'nombre de archivo vacío'),
  {
    en: /^macOS metadata \('\._' AppleDouble file\) of '(.*)', not a document: not read; delete it$/,
    es: ([of]) =>
      `metadatos de macOS (archivo AppleDouble '._') de '${of}', no es un documento: no se leyó; bórrelo`,
  },
  fixed(
    "macOS folder metadata ('.DS_Store'), not a document: not read; delete it",
    "metadatos de carpeta de macOS ('.DS_Store'), no es un documento: no se leyó; bórrelo",
  ),
  fixed(
    "hidden file (its name starts with '.'): not read; if it is a document, rename it without the '.'",
    "archivo oculto (su nombre empieza con '.'): no se leyó; si es un documento, quítele el '.' del nombre",
  ),
  fixed(
    "the file name is not valid UTF-8 (shown with '\uFFFD' where its letters were): it was likely written in " +
      'Latin-1 by a Windows program (Ñ, accents); rename it in UTF-8, e.g. convmv -f latin1 -t utf8 --notest FILE',
    "el nombre del archivo no es UTF-8 válido (se muestra '\uFFFD' donde estaban sus letras): probablemente lo " +
      'escribió en Latin-1 un programa de Windows (Ñ, acentos); renómbrelo en UTF-8, p. ej. convmv -f latin1 -t utf8 --notest ARCHIVO',
  ),
  fixed("the file name has nothing before '.pdf'", "el nombre del archivo no tiene nada antes de '.pdf'"),
  fixed("doubled extension '.pdf.pdf'; remove one '.pdf'", "extensión duplicada '.pdf.pdf'; quite un '.pdf'"),
  fixed(
    "no '_' separators: expected expediente, name, optional numero and type separated by '_'",
    "no hay separadores '_': se esperan el expediente, el nombre, el NUMERO (opcional) y el tipo separados por '_'",
  ),
  fixed(
    "empty name: nothing between the expediente and the next '_'",
    "nombre vacío: no hay nada entre el expediente y el siguiente '_'",
  ),
  {
    en: /^part (\d+) is empty \(two '_' with nothing between them\); remove the extra '_'$/,
    es: ([n]) => `la parte ${n} está vacía (dos '_' sin nada entre ellos); quite el '_' sobrante`,
  },
  fixed("the file name does not end in '.pdf'", "el nombre del archivo no termina en '.pdf'"),
  {
    en: /^not a \.pdf file \(extension '(.*)'\)$/,
    es: ([extension]) => `no es un archivo .pdf (extensión '${extension}')`,
  },
  {
    en: /^missing expediente: the file name must start with the expediente \((\d+) to (\d+) digits\) and a '_'$/,
    es: ([min, max]) =>
      `falta el expediente: el nombre del archivo debe empezar con el expediente (de ${min} a ${max} dígitos) y un '_'`,
  },
  {
    en: /^the expediente '(.*)' has (\d+) digits?; it must have (\d+) to (\d+)$/,
    es: ([value, n, min, max]) =>
      `el expediente '${value}' tiene ${n} ${plural(n!, 'dígito', 'dígitos')}; debe tener de ${min} a ${max}`,
  },
  {
    en: /^the file name must start with the expediente \((\d+) to (\d+) digits\), but it starts with '(.*)'$/,
    es: ([min, max, value]) =>
      `el nombre del archivo debe empezar con el expediente (de ${min} a ${max} dígitos), pero empieza con '${value}'`,
  },
  {
    en: /^the expediente '(.*)' contains letters; it must be (\d+) to (\d+) digits$/,
    es: ([value, min, max]) =>
      `el expediente '${value}' contiene letras; debe tener de ${min} a ${max} dígitos`,
  },
  {
    en: /^the expediente '(.*)' contains characters other than digits \((.*)\); it must be (\d+) to (\d+) digits$/,
    es: ([value, chars, min, max]) =>
      `el expediente '${value}' contiene caracteres que no son dígitos (${characters(chars!)}); ` +
      `debe tener de ${min} a ${max} dígitos`,
  },
  {
    en: /^the name '(.*)' contains '_', which separates the parts of a file name; use spaces inside names$/,
    es: ([name]) =>
      `el nombre '${name}' contiene '_', que separa las partes del nombre del archivo; use espacios dentro de los nombres`,
  },
  {
    en: /^missing name: expected 'APELLIDOS, NOMBRES' after the expediente, found '(.*)'$/,
    es: ([found]) =>
      `falta el nombre: se espera 'APELLIDOS, NOMBRES' después del expediente, pero dice '${found}'`,
  },
  {
    en: /^no comma between surnames and given names in '(.*?)'(?:; if '(.*)' after the '_' is the given names, write '(.*)')?$/,
    es: ([name, next, written]) =>
      `falta la coma entre los apellidos y los nombres en '${name}'` +
      (next ? `; si '${next}' después del '_' son los nombres, escriba '${written}'` : ''),
  },
  {
    en: /^missing document type \(the last part before \.pdf, e\.g\. CONS\)(?:(: nothing between the last '_' and '\.pdf')|; '(.*)' is digits, which looks like a NUMERO)?$/,
    es: ([nothing, digits]) =>
      'falta el tipo de documento (la última parte antes de .pdf, p. ej. CONS)' +
      (nothing
        ? ": no hay nada entre el último '_' y '.pdf'"
        : digits
          ? `; '${digits}' son dígitos, parece un NUMERO`
          : ''),
  },
  {
    en: /^the document type '(.*)' carries a copy's suffix, as a download or a file manager adds it: if the file is a copy, remove it; otherwise rename it to end in _(.*)\.pdf$/,
    es: ([type, code]) =>
      `el tipo de documento '${type}' lleva el sufijo de una copia, como lo agrega una descarga o el explorador de ` +
      `archivos: si el archivo es una copia, quítelo; si no, cambie su nombre para que termine en _${code}.pdf`,
  },
  {
    en: /^the document type '(.*)' must be one word of letters and digits \(e\.g\. CONS, LAB, RX\)$/,
    es: ([type]) =>
      `el tipo de documento '${type}' debe ser una sola palabra de letras y dígitos (p. ej. CONS, LAB, RX)`,
  },
  {
    en: /^the NUMERO '(.*)' must be digits only; the NUMERO and the type look swapped: write …_(.*)_(.*)\.pdf$/,
    es: ([numero, digits, type]) =>
      `el NUMERO '${numero}' debe tener solo dígitos; el NUMERO y el tipo parecen invertidos: escriba …_${digits}_${type}.pdf`,
  },
  {
    en: /^the NUMERO '(.*)' must be digits only; it looks like a document type, which goes last, after the NUMERO$/,
    es: ([numero]) =>
      `el NUMERO '${numero}' debe tener solo dígitos; parece un tipo de documento, que va al final, después del NUMERO`,
  },
  {
    en: /^the NUMERO '(.*)' must be digits only; if '(.*)' is part of the name, replace the '_' before it with a space$/,
    es: ([numero, part]) =>
      `el NUMERO '${numero}' debe tener solo dígitos; si '${part}' es parte del nombre, cambie el '_' que lo precede por un espacio`,
  },
  {
    en: /^the NUMERO '(.*)' contains letters; it must be digits only$/,
    es: ([numero]) => `el NUMERO '${numero}' contiene letras; debe tener solo dígitos`,
  },
  {
    en: /^the NUMERO '(.*)' contains characters other than digits \((.*)\); it must be digits only$/,
    es: ([numero, chars]) =>
      `el NUMERO '${numero}' contiene caracteres que no son dígitos (${characters(chars!)}); debe tener solo dígitos`,
  },
  {
    en: /^found (\d+) parts separated by '_'; expected 3 or 4 \(expediente, name, optional numero, type\)(?:; '(.*)' after the name looks like part of the name: use a space instead of '_'|(; check for an extra '_'))$/,
    es: ([count, namePart, extra]) =>
      `hay ${count} partes separadas por '_'; se esperan 3 o 4 (expediente, nombre, NUMERO opcional, tipo)` +
      (extra
        ? "; revise si sobra un '_'"
        : `; '${namePart}' después del nombre parece parte del nombre: use un espacio en lugar de '_'`),
  },
  fixed("empty name: expected 'APELLIDOS, NOMBRES'", "nombre vacío: se espera 'APELLIDOS, NOMBRES'"),
  {
    en: /^the name contains control or invisible characters \((.*)\)$/,
    es: ([chars]) => `el nombre contiene caracteres de control o invisibles (${characters(chars!)})`,
  },
  {
    en: /^the name '(.*)' contains digits \((.*)\)$/,
    es: ([name, digits]) => `el nombre '${name}' contiene dígitos (${characters(digits!)})`,
  },
  {
    en: /^the name '(.*)' contains characters that are not allowed \((.*)\); names may contain letters, spaces, apostrophes, hyphens and periods$/,
    es: ([name, chars]) =>
      `el nombre '${name}' contiene caracteres no permitidos (${characters(chars!)}); ` +
      'los nombres pueden llevar letras, espacios, apóstrofos, guiones y puntos',
  },
  {
    en: /^more than one comma in '(.*)'; write 'APELLIDOS, NOMBRES' with a single comma$/,
    es: ([name]) => `más de una coma en '${name}'; escriba 'APELLIDOS, NOMBRES' con una sola coma`,
  },
  {
    en: /^no surnames before the comma in '(.*)'$/,
    es: ([name]) => `no hay apellidos antes de la coma en '${name}'`,
  },
  {
    en: /^no given names after the comma in '(.*)'$/,
    es: ([name]) => `no hay nombres después de la coma en '${name}'`,
  },
  {
    en: /^'(.*?)' in '(.*)' is not a name word: hyphens must join two parts \(GARCIA-LOPEZ\) and every word needs a letter$/,
    es: ([word, name]) =>
      `'${word}' en '${name}' no es una palabra de nombre: un guion debe unir dos partes (GARCIA-LOPEZ) ` +
      'y cada palabra necesita una letra',
  },
];

/** What a link in the drop folder, or the registry's path, may be instead of a file (see specialFileKind). */
export const SPECIAL_FILE_KINDS_ES: Record<string, string> = {
  'a named pipe (FIFO)': 'una tubería con nombre (FIFO)',
  'a socket': 'un socket',
  'a device': 'un dispositivo',
  'a special file': 'un archivo especial',
};

/** The checks before a file is read, and the reasons a file or folder cannot be read (src/core, src/ingest). */
const VALIDATION_RULES: DetailRule[] = [
  fixed('the file does not end in .pdf', 'el archivo no termina en .pdf'),
  fixed('the file is empty (0 bytes)', 'el archivo está vacío (0 bytes)'),
  {
    en: /^the file has (.+), over the limit of (.+) \(raise it with --max-file-size\)$/,
    es: ([size, limit]) =>
      `el archivo pesa ${size}, más que el límite de ${limit} (súbalo con --max-file-size)`,
  },
  fixed(
    'the file is named .pdf but its content is not a PDF (no %PDF- header)',
    'el archivo se llama .pdf pero su contenido no es un PDF (no tiene el encabezado %PDF-)',
  ),
  {
    en: /^cannot read the file: (.*)$/,
    es: ([reason], c) => `no se puede leer el archivo: ${c.detail(reason!)}`,
  },
  fixed(
    'permission denied (check the file’s permissions)',
    'permiso denegado (revise los permisos del archivo)',
  ),
  fixed('the file disappeared before it could be read', 'el archivo desapareció antes de poder leerlo'),
  {
    en: /^it is (a named pipe \(FIFO\)|a socket|a device|a special file), not a regular file: not opened \(put the PDF itself in the folder\)$/,
    es: ([kind]) =>
      `es ${SPECIAL_FILE_KINDS_ES[kind!] ?? kind}, no un archivo común: no se abrió (ponga el PDF mismo en la carpeta)`,
  },
  fixed('permission denied', 'permiso denegado'),
  // A --log-file that is a pipe nothing reads (ingest/log-pipe-without-reader).
  fixed(
    'it is a named pipe (FIFO) that no program reads: writing to it would wait for ever',
    'es una tubería con nombre (FIFO) que ningún programa lee: escribir en ella esperaría para siempre',
  ),
  {
    en: /^there is no file at '(.*)': the filename alone was judged \(check the path\)$/,
    es: ([given]) =>
      `no hay ningún archivo en '${given}': se juzgó solo el nombre del archivo (revise la ruta)`,
  },
  fixed(
    'the file is a symlink whose target is missing or outside the source folder; it was not read',
    'el archivo es un enlace simbólico cuyo destino no existe o está fuera de la carpeta de origen; no se leyó',
  ),
  {
    en: /^cannot read this folder \((.*)\): its files were not looked at; fix its permissions \(this account needs to read and enter it: chmod \+rx on the folder, or make this account its owner\) and run again$/,
    es: ([reason], c) =>
      `no se puede leer esta carpeta (${c.detail(reason!)}): no se revisaron sus archivos; ` +
      'corrija sus permisos (esta cuenta necesita leerla y entrar en ella: chmod +rx en la carpeta, o haga a ' +
      'esta cuenta su propietaria) y ejecute de nuevo',
  },
  fixed(
    'permission denied on its folder, which can be listed but not entered (give this account search permission on the folder: chmod +x, or make this account its owner)',
    'permiso denegado en su carpeta, que se puede listar pero no se puede entrar en ella (dé a esta cuenta permiso ' +
      'de búsqueda en la carpeta: chmod +x, o haga a esta cuenta su propietaria)',
  ),
  fixed(
    "hidden folder (its name starts with '.'): not looked into; if it holds documents, move them out of it",
    "carpeta oculta (su nombre empieza con '.'): no se revisó; si contiene documentos, sáquelos de ella",
  ),
  fixed(
    'a symlink to a folder outside the source folder: not followed, nothing in it was read',
    'enlace simbólico a una carpeta fuera de la carpeta de origen: no se siguió y no se leyó nada de ella',
  ),
  {
    en: /^the file is no longer in the folder: it was moved or deleted before this session finished it(?:; (.*) of the same size appeared in the folder since: if it was renamed, it is processed under that name)?$/,
    es: ([appeared]) =>
      'el archivo ya no está en la carpeta: se movió o se borró antes de que esta sesión lo terminara' +
      (appeared
        ? `; desde entonces apareció en la carpeta ${appeared}, del mismo tamaño: si se le cambió el nombre, se procesa con ese nombre`
        : ''),
  },
  {
    en: /^renamed to '(.*)' before this session finished it: the same bytes were processed under the new name \((\w+)\)$/,
    es: ([to, outcome], c) =>
      `se le cambió el nombre a '${to}' antes de que esta sesión lo terminara: el mismo contenido se procesó con el ` +
      `nombre nuevo (${c.outcome(outcome as FileOutcome)})`,
  },
  {
    en: /^renamed to '(.*)' before this session finished it: the same bytes failed under the new name \((\w+)\)(?:: (.*))?$/,
    es: ([to, outcome, why], c) =>
      `se le cambió el nombre a '${to}' antes de que esta sesión lo terminara: el mismo contenido falló con el ` +
      `nombre nuevo (${c.outcome(outcome as FileOutcome)})${why ? `: ${c.detail(why)}` : ''}`,
  },
  {
    en: /^renamed to '(.*)' before this session finished it: the same bytes are not finished under the new name yet: see that file$/,
    es: ([to]) =>
      `se le cambió el nombre a '${to}' antes de que esta sesión lo terminara: el mismo contenido aún no se termina ` +
      'con el nombre nuevo: vea ese archivo',
  },
];

/** Content seen before, review holds, limits and stops (src/ingest, src/review, src/documents, src/queue, src/db). */
/** `(--job-timeout) by HH:MM:SS UTC`, the end of a queue attention line. */
const timeoutEs = (time: string | undefined) =>
  `se acabe su tiempo (--job-timeout)${time ? ` hacia las ${time} UTC` : ''}`;

const SESSION_RULES: DetailRule[] = [
  // Why a session did not complete, and what to run next (core/pipeline/session-notes).
  fixed(
    'interrupted: files not yet started stay pending; run the same command again to finish them in this session',
    'interrumpida: los archivos aún no iniciados siguen pendientes; ejecute el mismo comando de nuevo para terminarlos en esta sesión',
  ),
  fixed(
    'interrupted: stopped at once by a second Ctrl-C; run the same command again to finish its files',
    'interrumpida: detenida de inmediato con un segundo Ctrl-C; ejecute el mismo comando de nuevo para terminar sus archivos',
  ),
  // A file a stopped run left unfinished, as the run's report and `status --files` list it (unfinishedFileNote).
  fixed(
    'not finished: the run was interrupted (Ctrl-C, SIGTERM) before this file was done; it stays pending: run the same command again to finish it in this session',
    'sin terminar: la ejecución se interrumpió (Ctrl-C, SIGTERM) antes de terminar este archivo; sigue pendiente: ejecute el mismo comando de nuevo para terminarlo en esta sesión',
  ),
  fixed(
    'not finished: the enqueue was interrupted (Ctrl-C) and workers take none of its files until the session is ' +
      'queued whole; it stays pending: run the same `tecsalud-batch ingest DIR --enqueue` again (no file is queued twice)',
    'sin terminar: se interrumpió la puesta en cola (Ctrl-C) y los workers no toman ninguno de sus archivos hasta ' +
      'que la sesión esté en la cola completa; sigue pendiente: ejecute el mismo `tecsalud-batch ingest DIR --enqueue` ' +
      'de nuevo (ningún archivo se pone dos veces)',
  ),
  fixed(
    'not finished: the run stopped before this file was done; it stays pending for the next run',
    'sin terminar: la ejecución se detuvo antes de terminar este archivo; sigue pendiente para la próxima ejecución',
  ),
  {
    en: /^not finished: the run stopped before this file was done; its files not done stay pending: process it again( once the service is back)?$/,
    es: ([back]) =>
      'sin terminar: la ejecución se detuvo antes de terminar este archivo; los archivos no terminados de la sesión ' +
      `siguen pendientes: procésela de nuevo${back ? ' cuando el servicio vuelva' : ''}`,
  },
  // An API session's: what its client can do (process it again), not a command. Before the rule below, which would
  // take its advice for part of the reason.
  {
    en: /^stopped: (.*?); its files not done stay pending: process it again( once the service is back)?$/s,
    es: ([reason, back], c) =>
      `detenida: ${c.detail(reason!)}; sus archivos no terminados siguen pendientes: procésela de nuevo` +
      (back ? ' cuando el servicio vuelva' : ''),
  },
  {
    en: /^stopped: (.*?)(; the files not done stay for the next run)?$/s,
    es: ([reason, stay], c) =>
      `detenida: ${c.detail(reason!)}${stay ? '; los archivos no terminados quedan para la próxima ejecución' : ''}`,
  },
  {
    en: /^enqueue interrupted \(Ctrl-C\): (\d+) files? not queued; run the same `(.*)` again to queue them \(no file is queued twice\)$/,
    es: ([n, command]) =>
      `puesta en cola interrumpida (Ctrl-C): ${n === '1' ? '1 archivo no se puso' : `${n} archivos no se pusieron`} en ` +
      `la cola; ejecute el mismo \`${command}\` de nuevo para ponerlos (ningún archivo se pone dos veces)`,
  },
  // A session whose run is gone, or runs on another host (app/abandoned-runs), as `status` and `sessions` show it.
  {
    en: new RegExp(
      `^interrupted: the run that was processing it(?: \\(pid (\\d+) on (\\S+), started ${LOCAL_TIMESTAMP_PATTERN}\\))? is no ` +
        'longer running \\(killed, crashed, or its machine went down\\); the files it did not finish stay pending: ' +
        '`(.*)` resumes it$',
      's',
    ),
    es: ([pid, host, started, command]) =>
      'interrumpida: la ejecución que la procesaba' +
      (pid ? ` (pid ${pid} en ${host}, ${startedInSpanish(started!, 'ejecución')})` : '') +
      ' ya no está en marcha (terminada a la fuerza, caída, o su máquina se apagó); los archivos que no terminó ' +
      `siguen pendientes: \`${command}\` la retoma`,
  },
  {
    en: new RegExp(
      `^run on another host: (\\S+) \\(pid (\\d+), started ${LOCAL_TIMESTAMP_PATTERN}\\) holds the folder's run lock, and ` +
        'this machine cannot tell whether that run goes on; if \\S+ is gone, `(.*)`, then `(.*)` resumes it$',
      's',
    ),
    es: ([host, pid, started, unlock, ingest]) =>
      `ejecución en otro host: ${host} (pid ${pid}, ${startedInSpanish(started!, 'ejecución')}) tiene el bloqueo de ` +
      `ejecución de la carpeta, y esta máquina no puede saber si esa ejecución sigue; si ${host} ya no existe, ` +
      `\`${unlock}\`, y luego \`${ingest}\` la retoma`,
  },
  // `status`'s attention line for a queue session (see queueAttention).
  {
    en: /^no worker is running: the (\d+) active jobs? (?:was|were) taken by a worker that is gone \(killed, crashed, or its machine went down\); the next worker to start takes them back at once, or they go back to the queue when their time runs out \(--job-timeout\)(?: by (\S+) UTC)?: start one with `tecsalud-batch worker`$/,
    es: ([n, time]) =>
      `no hay ningún proceso de trabajo activo: ${n === '1' ? 'la tarea activa la tomó' : `las ${n} tareas activas las tomó`} ` +
      'un proceso que ya no está (terminado a la fuerza, caído, o su máquina se apagó); el próximo proceso que ' +
      `arranque las recupera de inmediato, o vuelven a la cola cuando ${timeoutEs(time)}: inicie uno con \`tecsalud-batch worker\``,
  },
  {
    en: /^(\d+) workers? stopped without finishing \(killed, crashed, or its machine went down\): the jobs (?:it|they) held are among the (\d+) active; the running workers take them back within minutes \(at the latest when their time runs out \(--job-timeout\)(?: by (\S+) UTC)?\)$/,
    es: ([gone, n, time]) =>
      `${gone === '1' ? '1 proceso de trabajo se detuvo' : `${gone} procesos de trabajo se detuvieron`} sin terminar ` +
      `(terminados a la fuerza, caídos, o su máquina se apagó): sus tareas están entre las ${n} activas; los procesos ` +
      `activos las recuperan en unos minutos (a más tardar cuando ${timeoutEs(time)})`,
  },
  {
    en: /^no worker is running: (\d+) jobs? waits?; start one with `tecsalud-batch worker`$/,
    es: ([n]) =>
      `no hay ningún proceso de trabajo activo: ${n === '1' ? '1 tarea espera' : `${n} tareas esperan`}; ` +
      'inicie uno con `tecsalud-batch worker`',
  },
  {
    en: /^identical content to '(.*)' in this batch; ingested once$/,
    es: ([first]) => `contenido idéntico a '${first}' en este lote; se ingresó una sola vez`,
  },
  {
    en: /^identical content to '(.*)' in this batch, which is waiting for an admin review; settled with that review$/,
    es: ([first]) =>
      `contenido idéntico a '${first}' en este lote, que está en espera de revisión de un administrador; ` +
      'se resuelve con esa revisión',
  },
  {
    en: /^identical content to '(.*)' in this batch, which was set aside \(a reviewer rejected the same content\); not ingested$/,
    es: ([first]) =>
      `contenido idéntico a '${first}' en este lote, que se apartó (un revisor rechazó el mismo contenido); no se ingresó`,
  },
  {
    en: /^identical content to '(.*)' in this batch, which was taken back to review \(another file of the session names another patient for it\); settled with that review$/,
    es: ([first]) =>
      `contenido idéntico a '${first}' en este lote, que volvió a revisión (otro archivo de la sesión lo atribuye ` +
      'a otro paciente); se resuelve con esa revisión',
  },
  {
    en: /^taken back to review: '(.*)', in the same session, has identical content but names expediente (\S+), while this file names (\S+), to which the run had attached it \(document (\w+)\); one of the two file names is wrong\. Check the document and (?:attach it to the right patient in `tecsalud-batch review (\w+)`; then remove the other file|have an admin attach it to the right patient \(POST (\S+)\); there is no need to upload the other file again)$/,
    es: ([copy, copyExpediente, expediente, documentId, session, route]) =>
      `devuelto a revisión: '${copy}', de la misma sesión, tiene contenido idéntico pero nombra el expediente ` +
      `${copyExpediente}, mientras que este archivo nombra el ${expediente}, al que la ejecución lo había asociado ` +
      `(documento ${documentId}); uno de los dos nombres de archivo está mal. Revise el documento y ` +
      (route
        ? `pida a un administrador que lo asocie al paciente correcto (POST ${route}); no hace falta volver a subir el otro archivo`
        : `asócielo al paciente correcto en \`tecsalud-batch review ${session}\`; luego elimine el otro archivo`),
  },
  {
    en: new RegExp(
      `^already ingested on ${DATE} as '(.*)' for expediente (\\S+) \\((?:unchanged since ${DATE}; not read again; )?(use --force to re-ingest|the stored document stands; there is no need to upload this file again)\\)$`,
    ),
    es: ([on, filename, expediente, since, advice]) =>
      `ya se ingresó el ${localTimestampInSpanish(on!)} como '${filename}' para el expediente ${expediente} ` +
      `(${since ? `sin cambios desde ${localTimestampInSpanish(since)}; no se volvió a leer; ` : ''}` +
      `${advice === 'use --force to re-ingest' ? 'use --force para volver a ingresarlo' : 'el documento guardado se conserva; no hace falta volver a subir este archivo'})`,
  },
  {
    en: new RegExp(
      `^rejected in review by (.*) on ${DATE} \\(as '(.*)'\\); set aside — \`tecsalud-batch review --reopen (\\w+)\` to review it again$`,
    ),
    es: ([by, on, filename, sha]) =>
      `rechazado en revisión por ${by} el ${localTimestampInSpanish(on!)} (como '${filename}'); apartado — ` +
      `\`tecsalud-batch review --reopen ${sha}\` para revisarlo de nuevo`,
  },
  {
    // An API client's: the API has no route to reopen a rejection.
    en: new RegExp(
      `^rejected in review by (.*) on ${DATE} \\(as '(.*)'\\); set aside — ask the records team to reopen it for review \\(\`tecsalud-batch review --reopen (\\w+)\`\\)$`,
    ),
    es: ([by, on, filename, sha]) =>
      `rechazado en revisión por ${by} el ${localTimestampInSpanish(on!)} (como '${filename}'); apartado — pida al ` +
      `equipo de archivo clínico que lo reabra para revisión (\`tecsalud-batch review --reopen ${sha}\`)`,
  },
  {
    en: new RegExp(
      `^the same content \\('(.*)'\\) is already waiting for review in session (\\w+)(?: \\(unchanged since ${DATE}; not read again\\))?; ` +
        `(?:settle it with \`tecsalud-batch review \\w+\`|have an admin settle it: POST (\\S+))$`,
    ),
    es: ([filename, session, since, route]) =>
      `el mismo contenido ('${filename}') ya está en espera de revisión en la sesión ${session}` +
      (since ? ` (sin cambios desde ${localTimestampInSpanish(since)}; no se volvió a leer)` : '') +
      (route
        ? `; pida a un administrador que lo resuelva: POST ${route}`
        : `; resuélvalo con \`tecsalud-batch review ${session}\``),
  },
  // A copy of content filed under another expediente (duplicate_other_patient): what holds the content, then
  // what to do, each translated on its own (the command line's advice, or an API client's).
  {
    en: /^(.*), but this file names expediente (\S+), not (.+?): one of the two file names is wrong, and nothing was attached to (\S+)\. Check the document: (.*); (then remove this file|there is no need to upload this file again)$/,
    es: ([filed, expediente, filedUnder, attached, remedy, end], c) =>
      `${c.detail(filed!)}, pero este archivo nombra el expediente ${expediente}, no el ${filedUnder!.split(' or ').join(' o el ')}: ` +
      `uno de los dos nombres de archivo está mal, y no se asoció nada al ${attached}. Revise el documento: ${c.detail(remedy!)}; ` +
      (end === 'then remove this file'
        ? 'luego elimine este archivo'
        : 'no hace falta volver a subir este archivo'),
  },
  {
    en: new RegExp(
      `^the same content was ingested on ${DATE} as '(.*)' for expediente (\\S+) \\(document (\\w+)\\)$`,
    ),
    es: ([on, filename, expediente, documentId]) =>
      `el mismo contenido se ingresó el ${localTimestampInSpanish(on!)} como '${filename}' para el expediente ${expediente} ` +
      `(documento ${documentId})`,
  },
  {
    en: /^the same content \('(.*)'\) is waiting for review$/,
    es: ([filename]) => `el mismo contenido ('${filename}') está en espera de revisión`,
  },
  {
    en: /^identical content to '(.*)' in this batch \(([^()]*)\)$/,
    es: ([first, label], c) => `contenido idéntico a '${first}' en este lote (${c.detail(label!)})`,
  },
  {
    en: /^identical content to '(.*)' in this session, which the run had attached to expediente (\S+) and has taken back to review$/,
    es: ([holder, expediente]) =>
      `contenido idéntico a '${holder}' en esta sesión, que la ejecución había asociado al expediente ${expediente} y devolvió a revisión`,
  },
  {
    en: /^if it is theirs, (`tecsalud-batch documents move \w+ --to \S+`)$/,
    es: ([command]) => `si es suyo, ${command}`,
  },
  {
    en: /^if it is theirs, ask the records team to move document (\w+) to expediente (\S+) \((`tecsalud-batch documents move \w+ --to \S+`)\)$/,
    es: ([documentId, expediente, command]) =>
      `si es suyo, pida al equipo de archivo clínico que mueva el documento ${documentId} al expediente ${expediente} (${command})`,
  },
  fixed(
    'settle that review knowing both names (`tecsalud-batch review`)',
    'resuelva esa revisión conociendo ambos nombres (`tecsalud-batch review`)',
  ),
  {
    en: /^have an admin settle that (review|file) knowing both names \(POST (\S+)\)$/,
    es: ([what, route]) =>
      `pida a un administrador que resuelva ${what === 'file' ? 'ese archivo' : 'esa revisión'} conociendo ambos nombres (POST ${route})`,
  },
  fixed('settle that file knowing both names', 'resuelva ese archivo conociendo ambos nombres'),
  {
    // A copy whose twin's content a reviewer rejected: there is no review left to settle.
    en: /^nothing waits for review: a reviewer rejected this content, so it is set aside; if it is a patient's after all, (?:(`tecsalud-batch review --reopen \w+`) and settle it knowing both names|ask the records team to reopen it for review \((`tecsalud-batch review --reopen \w+`)\), telling them both names)$/,
    es: ([cli, api]) =>
      'nada espera revisión: un revisor rechazó este contenido, así que está apartado; si después de todo es de un paciente, ' +
      (cli
        ? `${cli} y resuélvalo conociendo ambos nombres`
        : `pida al equipo de archivo clínico que lo reabra para revisión (${api}), indicándole ambos nombres`),
  },
  {
    en: /^settle '(.*)' in (`tecsalud-batch review \w+`) knowing both names$/,
    es: ([holder, command]) => `resuelva '${holder}' en ${command} conociendo ambos nombres`,
  },
  {
    en: /^have an admin settle '(.*)' knowing both names \(POST (\S+)\)$/,
    es: ([holder, route]) =>
      `pida a un administrador que resuelva '${holder}' conociendo ambos nombres (POST ${route})`,
  },
  {
    en: /^held for review: (\w+)(?:( \(the filename describes a new patient; the document's own text names somebody else\))|( \(the document's own text names another patient than the filename\))|( \(the document's own text also names a second patient further in the file\))|( \(the document's own birth date or sex differs from the filename's patient's\))|( \(a patient another file of this batch has just created\)))?$/,
    es: ([reason, newPatient, otherPatient, secondPatient, birthDateOrSex, justCreated], c) =>
      `en espera de revisión: ${c.reason(reason!)}` +
      (newPatient
        ? ' (el nombre del archivo describe a un paciente nuevo; el texto del documento nombra a otra persona)'
        : otherPatient
          ? ' (nombra a otro paciente que aquel al que lo asignaría el nombre del archivo)'
          : secondPatient
            ? ' (nombra además a un segundo paciente más adelante en el archivo)'
            : birthDateOrSex
              ? ' (su fecha de nacimiento o su sexo no son los del paciente al que lo asignaría el nombre del archivo)'
              : justCreated
                ? ' (un paciente que otro archivo de este lote acaba de crear)'
                : ''),
  },
  {
    en: /^held for review: (\w+) \(expediente (\S+) is new, and its patient takes the name of '(.*)', the first file of this folder naming it\)$/,
    es: ([reason, expediente, first], c) =>
      `en espera de revisión: ${c.reason(reason!)} (el expediente ${expediente} es nuevo, y su paciente toma el ` +
      `nombre de '${first}', el primer archivo de esta carpeta que lo nombra)`,
  },
  {
    en: /^expediente (\S+) was just created for a differently named patient by another file of this batch; held for review$/,
    es: ([expediente]) =>
      `otro archivo de este lote acaba de crear el expediente ${expediente} para un paciente con otro nombre; ` +
      'en espera de revisión',
  },
  fixed(
    'stopped by the interrupt during its OCR; run the same command again to finish it',
    'la interrupción lo detuvo durante su OCR; ejecute el mismo comando otra vez para terminarlo',
  ),
  // What runs before the interrupt stopped running OCR too said; still in older sessions' records.
  fixed(
    'stopped while waiting for OCR; run the same command again to finish it',
    'se detuvo mientras esperaba el OCR; ejecute el mismo comando otra vez para terminarlo',
  ),
  fixed(
    'stopped by the interrupt while its text was read; run the same command again to finish it',
    'la interrupción lo detuvo mientras se leía su texto; ejecute el mismo comando otra vez para terminarlo',
  ),
  // An API session's: it resumes by itself.
  fixed(
    'stopped during its OCR by a stop of the server processing it; it is read again when the session resumes',
    'se detuvo durante su OCR al detenerse el servidor que lo procesaba; se vuelve a leer cuando la sesión se retome',
  ),
  fixed(
    'stopped while its text was read by a stop of the server processing it; it is read again when the session resumes',
    'se detuvo mientras se leía su texto al detenerse el servidor que lo procesaba; se vuelve a leer cuando la sesión se retome',
  ),
  {
    en: /^it changed while the run was reading it \((\d+) bytes, then (\d+)\): it is still being written; left for the next run$/,
    es: ([before, after]) =>
      `cambió mientras la ejecución lo leía (${before} bytes, luego ${after}): todavía se está escribiendo; queda para la siguiente ejecución`,
  },
  fixed(
    'it changed while the run was reading it (its modification time moved): it is still being written; left for the next run',
    'cambió mientras la ejecución lo leía (su fecha de modificación cambió): todavía se está escribiendo; queda para la siguiente ejecución',
  ),
  {
    en: /^modified (\d+) s ago and not yet a whole PDF \(no %%EOF at its end\): it is still being written; left for the next run \(a file unchanged for (\d+) s is read as it is\)$/,
    es: ([age, window]) =>
      `modificado hace ${age} s y todavía no es un PDF completo (sin %%EOF al final): todavía se está escribiendo; queda ` +
      `para la siguiente ejecución (un archivo sin cambios durante ${window} s se lee tal como está)`,
  },
  {
    en: /^renamed to '(.*)' when its transfer completed: nothing was lost; (that file is processed under its own name|the next `ingest --enqueue` of the folder queues it under that name)$/,
    es: ([finalName, then]) =>
      `renombrado a '${finalName}' al terminar su transferencia: no se perdió nada; ` +
      (then === 'that file is processed under its own name'
        ? 'ese archivo se procesa con su propio nombre'
        : 'la siguiente `ingest --enqueue` de la carpeta lo pone en la cola con ese nombre'),
  },
  {
    en: /^named as a transfer still under way \('(.*)'\)(?: and unchanged for (\d+ (?:s|min)))?: the transfer seems abandoned \(cancelled or cut off\), its tool will not rename it; send the file again, or rename it to '(.*)' if it is complete$/s,
    es: ([suffix, unchanged, finalName]) =>
      `nombrado como una transferencia en curso ('${suffix}')${unchanged ? ` y sin cambios desde hace ${unchanged}` : ''}: ` +
      'la transferencia parece abandonada (cancelada o cortada) y su herramienta no le cambiará el nombre; envíe el ' +
      `archivo de nuevo, o cámbiele el nombre a '${finalName}' si está completo`,
  },
  {
    en: /^named as a transfer still under way \('(.*)'\) and modified (\d+) s ago: left for the next run, which takes the file under its final name$/,
    es: ([suffix, age]) =>
      `nombrado como una transferencia aún en curso ('${suffix}') y modificado hace ${age} s: queda para la siguiente ` +
      'ejecución, que toma el archivo con su nombre definitivo',
  },
  {
    en: /^over the limit of (\d+) files? that needs? work per session \(--max-files\); run again to ingest it$/,
    es: ([n]) =>
      `supera el límite de ${n === '1' ? '1 archivo' : `${n} archivos`} por procesar en cada sesión (--max-files); ` +
      'ejecute de nuevo para ingresarlo',
  },
  {
    en: /^the run was interrupted before this file finished; session (\S+) took it over$/,
    es: ([session]) =>
      `la ejecución se interrumpió antes de que este archivo terminara; la sesión ${session} lo retomó`,
  },
  {
    // An API client's: reopening is the records team's.
    en: /^rejected in review by (.+); later runs set the same content aside until the records team reopens it \((`tecsalud-batch review --reopen \w+`)\)$/,
    es: ([by, command]) =>
      `rechazado en revisión por ${by}; las ejecuciones siguientes apartan el mismo contenido hasta que el equipo de ` +
      `archivo clínico lo reabra (${command})`,
  },
  {
    en: /^rejected in review by (.+); later runs set the same content aside \(`tecsalud-batch review --reopen (\w+)` to review it again\)$/,
    es: ([by, id]) =>
      `rechazado en revisión por ${by}; las ejecuciones siguientes apartan el mismo contenido ` +
      `(\`tecsalud-batch review --reopen ${id}\` para revisarlo de nuevo)`,
  },
  {
    en: /^detached from expediente (\S+) by (.+); waiting for review again$/,
    es: ([expediente, by]) =>
      `desasignado del expediente ${expediente} por ${by}; de nuevo en espera de revisión`,
  },
  {
    en: /^reopened by (.+): waiting for review again$/,
    es: ([by]) => `reabierto por ${by}: de nuevo en espera de revisión`,
  },
  {
    en: /^it kept changing for (\d+ (?:s|min)), still being written at each of (\d+) looks \(the last: (.*)\); given up so that the queue can end, and left where it is: once nothing writes to it, `ingest --enqueue` the folder again$/s,
    es: ([duration, looks, last], c) =>
      `siguió cambiando durante ${duration}, todavía escribiéndose en cada una de ${looks} revisiones (la última: ` +
      `${c.detail(last!)}); se abandonó para que la cola pueda terminar, y queda donde está: cuando nada lo escriba, ` +
      'vuelva a ejecutar `ingest --enqueue` sobre la carpeta',
  },
  {
    en: /^gave up after (\d+) attempts?: (.*)$/,
    es: ([n, reason], c) =>
      `se abandonó tras ${n} ${plural(n!, 'intento', 'intentos')}: ${c.detail(reason!)}`,
  },
];

/** Text extraction (src/adapters/extraction: describe-failure.ts and the details the extractors give it). */
const EXTRACTION_RULES: DetailRule[] = [
  withDetail(
    'the PDF is password-protected (encrypted); ask the sender for an unprotected copy',
    'el PDF está protegido con contraseña (cifrado); pida al remitente una copia sin protección',
  ),
  withDetail(
    'the PDF is damaged or is not a valid PDF, so its text cannot be read; ask the sender for a new copy',
    'el PDF está dañado o no es un PDF válido, así que no se puede leer su texto; pida al remitente una copia nueva',
  ),
  withDetail(
    "the PDF's pages are scans whose only text is a scanner's stamp, a letterhead, a typed form or a page number; it needs OCR before it can be ingested (--ocr auto), or the patient the scans name goes unchecked",
    'las páginas del PDF son escaneos cuyo único texto es el sello del escáner, un membrete, un formulario impreso o un número de página; necesita OCR ' +
      'antes de poder ingresarse (--ocr auto), o el paciente que nombran los escaneos queda sin verificar',
  ),
  {
    en: /^(\d+) of the PDF's (\d+) pages (?:is a scan|are scans) \(pages? ([\d, -]+)\), not read with OCR off; it needs OCR before it can be ingested \(--ocr auto\), or the patient the scans? names? goes unchecked$/,
    es: ([n, total, list]) =>
      n === '1'
        ? `1 de las ${total} páginas del PDF es un escaneo (página ${list}), que no se lee con el OCR desactivado; ` +
          'necesita OCR antes de poder ingresarse (--ocr auto), o el paciente que nombra el escaneo queda sin verificar'
        : `${n} de las ${total} páginas del PDF son escaneos (páginas ${list}), que no se leen con el OCR desactivado; ` +
          'necesita OCR antes de poder ingresarse (--ocr auto), o el paciente que nombran los escaneos queda sin verificar',
  },
  withDetail(
    'the PDF has no text layer (it looks like a scan or contains only images); it needs OCR before it can be ingested',
    'el PDF no tiene capa de texto (parece un escaneo o solo contiene imágenes); necesita OCR antes de poder ingresarse',
  ),
  {
    // Messages recorded before the flag was named end at "raise the limit".
    en: /^reading the PDF's text took longer than the per-file time limit(?: \(([^()]+)\))? and was stopped; check the file, or raise the limit( with --timeout)?(?: \((.*)\))?$/,
    es: ([limit, flag, detail], c) =>
      `la lectura del texto del PDF tardó más que el límite de tiempo por archivo${limit ? ` (${limit})` : ''} ` +
      `y se detuvo; revise el archivo o aumente el límite${flag ? ' con --timeout' : ''}${detail ? ` (${c.detail(detail)})` : ''}`,
  },
  {
    en: /^reading the PDF's text needed more than the memory limit(?: \((\d+) MB\))? and was stopped; the file may be unusually large or damaged(?: \((.*)\))?$/,
    es: ([limit, detail], c) =>
      `la lectura del texto del PDF necesitó más memoria que el límite${limit ? ` (${limit} MB)` : ''} y se detuvo; ` +
      `el archivo puede ser inusualmente grande o estar dañado${detail ? ` (${c.detail(detail)})` : ''}`,
  },
  withDetail(
    'the file could not be read from disk; check that it exists and that this tool may read it',
    'no se pudo leer el archivo del disco; verifique que exista y que esta herramienta pueda leerlo',
  ),
  withDetail(
    'text extraction failed unexpectedly; retry, and report the file if it fails again',
    'la extracción de texto falló de forma inesperada; reintente y reporte el archivo si vuelve a fallar',
  ),
  fixed('no %PDF- header: not a PDF file', 'sin encabezado %PDF-: no es un archivo PDF'),
  fixed('PDFium: a password is required', 'PDFium: se requiere una contraseña'),
  fixed('PDFium: unsupported security handler', 'PDFium: manejador de seguridad no compatible'),
  fixed('PDFium: not in PDF format or damaged', 'PDFium: no tiene formato PDF o está dañado'),
  {
    en: /^PDFium could not open the document \(error (\d+)\)$/,
    es: ([code]) => `PDFium no pudo abrir el documento (error ${code})`,
  },
  { en: /^PDFium: page (\d+) cannot be read$/, es: ([page]) => `PDFium: no se puede leer la página ${page}` },
  {
    en: /^pdftotext wrote more than (\d+) MB of text$/,
    es: ([mb]) => `pdftotext escribió más de ${mb} MB de texto`,
  },
  {
    en: /^pdftotext exited with code (\S+)$/,
    es: ([code]) => `pdftotext terminó con el código ${code}`,
  },
  fixed('the extraction process exited unexpectedly', 'el proceso de extracción terminó de forma inesperada'),
  {
    en: /^the (extraction process|pdftotext co-process) (?:was stopped by (\S+)|exited with code (\S+))$/,
    es: ([which, signal, code]) =>
      `${which === 'extraction process' ? 'el proceso de extracción' : 'el coproceso pdftotext'} ` +
      (signal ? `fue detenido por ${signal}` : `terminó con el código ${code}`),
  },
  {
    en: /^the PDF extraction processes exited (\d+) times in a row while starting$/,
    es: ([n]) => `los procesos de extracción de PDF terminaron ${n} veces seguidas al arrancar`,
  },
  {
    en: /^could not start the pdftotext co-process: (.*)$/,
    es: ([error]) => `no se pudo iniciar el coproceso pdftotext: ${error}`,
  },
  { en: /^could not run (.+?): (.*)$/, es: ([command, error]) => `no se pudo ejecutar ${command}: ${error}` },
  {
    en: /^(.+) was stopped by (SIG[A-Z0-9]+)$/,
    es: ([command, signal]) => `${command} fue detenido por ${signal}`,
  },
  {
    en: /^(.+) in the flate stream at byte (\d+)$/,
    es: ([damage, byte]) =>
      `${damage === 'an invalid header' ? 'un encabezado inválido' : damage} en el flujo flate del byte ${byte}`,
  },
];

/** OCR (src/adapters/ocr: plan-ocr.ts, ocr-worker.ts, ocr-extractor.ts). */
const OCR_RULES: DetailRule[] = [
  {
    en: /^the PDF has no text layer, and OCR \((.+?)\) found no readable text on its (\d+) pages? either; check that the scan is not blank, too faint or upside down, and scan it again if needed$/,
    es: ([engine, n]) =>
      `el PDF no tiene capa de texto y el OCR (${engine}) tampoco encontró texto legible en ` +
      `${n === '1' ? 'su única página' : `ninguna de sus ${n} páginas`}; verifique que el escaneo no esté en blanco, ` +
      'demasiado tenue o al revés, y vuelva a escanearlo si hace falta',
  },
  { en: /^OCR could not open the PDF \((.*)\)$/, es: ([error]) => `el OCR no pudo abrir el PDF (${error})` },
  {
    en: /^the scanned image of page (\d+) is damaged and cannot be read whole \((.*)\), so the patient it names cannot be checked; scan the page again, or ask the sender for a new copy$/,
    es: ([page, detail], c) =>
      `la imagen escaneada de la página ${page} está dañada y no se puede leer completa (${c.detail(detail!)}), ` +
      'así que no se puede verificar el paciente que nombra; vuelva a escanear la página o pida al remitente una copia nueva',
  },
  {
    en: /^(.+) in the Flate-compressed image \(object (\d+)\)$/,
    es: ([damage, object]) =>
      `${damage === 'an invalid header' ? 'un encabezado inválido' : damage} en la imagen comprimida con Flate (objeto ${object})`,
  },
  {
    en: /^the Flate-compressed image \(object (\d+)\) ends after (\d+) of its (\d+) bytes$/,
    es: ([object, decoded, expected]) =>
      `la imagen comprimida con Flate (objeto ${object}) termina tras ${decoded} de sus ${expected} bytes`,
  },
  {
    en: /^OCR failed on page (\d+) \((.*)\); retry, and report the file if it fails again$/,
    es: ([page, error]) =>
      `el OCR falló en la página ${page} (${error}); reintente y reporte el archivo si vuelve a fallar`,
  },
  {
    en: /^OCR \((.+?)\) of page (\d+) took longer than the per-page limit \((.+?)\) and was stopped; the scan may be unusually large or damaged: check it, or raise the limit( with ocr\.pageTimeoutSeconds in the config file)?$/,
    es: ([engine, page, limit, setting]) =>
      `el OCR (${engine}) de la página ${page} tardó más que el límite por página (${limit}) y se detuvo; ` +
      'el escaneo puede ser inusualmente grande o estar dañado: revíselo o aumente el límite' +
      (setting ? ' con ocr.pageTimeoutSeconds en el archivo de configuración' : ''),
  },
  {
    en: /^OCR \((.+?)\) of the file took longer than the per-file limit \((.+?)\) and was stopped at page (\d+); split the file, or raise the limit( with ocr\.fileTimeoutSeconds in the config file)?$/,
    es: ([engine, limit, page, setting]) =>
      `el OCR (${engine}) del archivo tardó más que el límite por archivo (${limit}) y se detuvo en la página ${page}; ` +
      'divida el archivo o aumente el límite' +
      (setting ? ' con ocr.fileTimeoutSeconds en el archivo de configuración' : ''),
  },
  {
    en: /^OCR \((.+?)\) of page (\d+) needed more than the memory limit \((\d+) MB\) and was stopped; the scan may be unusually large or damaged$/,
    es: ([engine, page, mb]) =>
      `el OCR (${engine}) de la página ${page} necesitó más memoria que el límite (${mb} MB) y se detuvo; ` +
      'el escaneo puede ser inusualmente grande o estar dañado',
  },
  {
    en: /^the OCR process (?:was stopped by (\S+)|exited with code (\S+)) on page (\d+)(?: \((.*)\))?; retry, and report the file if it fails again$/,
    es: ([signal, code, page, detail]) =>
      `el proceso de OCR ${signal ? `fue detenido por ${signal}` : `terminó con el código ${code}`} ` +
      `en la página ${page}${detail ? ` (${detail})` : ''}; reintente y reporte el archivo si vuelve a fallar`,
  },
];

/** Embedding and storing (src/documents/store-document.ts, src/adapters/embedders, src/adapters/vector-stores). */
const STORAGE_RULES: DetailRule[] = [
  {
    en: /^the embedder failed: (.*)$/,
    es: ([error], c) => `falló el modelo de búsqueda: ${c.detail(error!)}`,
  },
  {
    en: /^the vector store failed: (.*)$/,
    es: ([error], c) => `falló el índice de búsqueda: ${c.detail(error!)}`,
  },
  {
    en: /^the embeddings service at (.+?) still failed after (\d+) attempts: (.*)$/,
    es: ([where, n, error]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} siguió fallando tras ${n} intentos: ${error}`,
  },
  {
    en: /^the embeddings service at (.+?) returned (\d+)-dimensional vectors; expected (\d+) for (.+)$/,
    es: ([where, got, expected, model]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} devolvió vectores de ${got} dimensiones; se esperaban ${expected} para ${model}`,
  },
  {
    en: /^the embeddings service at (.+?) sent a malformed response \((?:(\d+) embeddings for (\d+) texts|(no data array))\)$/,
    es: ([where, got, expected, none]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} envió una respuesta mal formada ` +
      `(${none ? 'sin arreglo de datos' : `${got} embeddings para ${expected} textos`})`,
  },
  {
    en: /^the embeddings service at (.+?) sent a malformed embedding \(item (\d+)\)$/,
    es: ([where, item]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} envió un embedding mal formado (elemento ${item})`,
  },
  {
    en: /^the embeddings service at (.+?) sent vectors of different lengths in one response$/,
    es: ([where]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} envió vectores de distintas longitudes en una misma respuesta`,
  },
  {
    en: /^the embeddings service at (.+?) refused the request: (.*)$/,
    es: ([where, error]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} rechazó la solicitud: ${error}`,
  },
  {
    en: /^the embeddings service at (.+?) does not know this model or deployment \(HTTP 404\): (.*)$/,
    es: ([where, error]) =>
      `el modelo de búsqueda (servicio de embeddings) en ${where} no conoce este modelo o despliegue (HTTP 404): ${error}`,
  },
  {
    en: /^a chunk of (\d+) characters is longer than the embedding model accepts \(about (\d+) tokens\); lower --chunk-size$/,
    es: ([length, tokens]) =>
      `un fragmento de ${length} caracteres es más largo de lo que acepta el modelo de búsqueda (embeddings) ` +
      `(unos ${tokens} tokens); reduzca --chunk-size`,
  },
  {
    en: /^embedding for "(.*)" has (\d+) dimensions; the collection holds (\d+)$/,
    es: ([id, got, held]) => `el embedding de "${id}" tiene ${got} dimensiones; la colección guarda ${held}`,
  },
  {
    en: /^Collection "(.*)" holds vectors from embedder (.+) \(dimension (\d+)\); refusing to use it with embedder (.+) \(dimension (\d+)\)\.$/,
    es: ([collection, existing, existingDimension, requested, requestedDimension]) =>
      `La colección "${collection}" la llenó el modelo de búsqueda (--embedder) ${existing} (dimensión ${existingDimension}); ` +
      `no se usará con el modelo de búsqueda ${requested} (dimensión ${requestedDimension}).`,
  },
  { en: /^Bad request to Chroma: (.*)$/, es: ([error]) => `solicitud inválida a Chroma: ${error}` },
  {
    en: /^The requested resource could not be found: (.*)$/,
    es: ([error]) => `no se encontró el recurso solicitado: ${error}`,
  },
  fixed('The resource already exists', 'el recurso ya existe'),
  fixed('Rate limit exceeded', 'se superó el límite de solicitudes'),
];

/** The content cross-check's reasons (src/core/content/cross-check-content.ts), shown under a held file. */
const CONTENT_RULES: DetailRule[] = [
  // «The filename's patient» is the registry patient the filename was matched to, who need not carry the
  // filename's expediente (a same-named patient): «del nombre del archivo» alone reads as the filename's own.
  fixed(
    "the document names the filename's patient",
    'el documento nombra al paciente al que lo asignaría el nombre del archivo',
  ),
  fixed(
    'the document agrees with its filename (the filename leads to no registry patient of its own)',
    'el documento coincide con el nombre del archivo (que no lleva a ningún paciente propio del registro)',
  ),
  fixed(
    'nothing the document states can be compared',
    'nada de lo que indica el documento se puede comparar',
  ),
  fixed(
    'the registry was not consulted for the document’s identity',
    'no se consultó el registro para la identidad del documento',
  ),
  {
    en: /^the document's expediente (\d+) is another registry patient's \((.*)\)$/,
    es: ([expediente, name]) =>
      `el expediente ${expediente} del documento es de otro paciente del registro (${name})`,
  },
  {
    en: /^the document's expediente (\d+) is one keystroke from (\d+)$/,
    es: ([expediente, near]) => `el expediente ${expediente} del documento está a una tecla de ${near}`,
  },
  {
    en: /^the document's expediente (\d+) is not the filename's( patient's)? \((\d+)\)$/,
    es: ([expediente, patient, filename]) =>
      `el expediente ${expediente} del documento no es el ${patient ? 'del paciente al que lo asignaría el nombre del archivo' : 'del nombre del archivo'} (${filename})`,
  },
  {
    en: /^the document names (.*), clearly another person than (.*)$/,
    es: ([written, reference]) =>
      `el documento nombra a ${written}, claramente otra persona que ${reference}`,
  },
  {
    en: /^the document names (.*), not the same name as (.*)$/,
    es: ([written, reference]) =>
      `el documento nombra a ${written}, que no es el mismo nombre que ${reference}`,
  },
  {
    en: /^the document's name is registry patient (\d+)'s \((.*)\)$/,
    es: ([expediente, name]) =>
      `el nombre del documento es el del paciente del registro ${expediente} (${name})`,
  },
  {
    en: /^the document names registry patient (\d+), not the review's candidate (\d+)$/,
    es: ([named, candidate]) =>
      `el documento nombra al paciente del registro ${named}, no al candidato de la revisión ${candidate}`,
  },
  {
    en: /^the document names registry patient (\d+), whom the filename's match did not find$/,
    es: ([named]) =>
      `el documento nombra al paciente del registro ${named}, a quien la coincidencia del nombre de archivo no encontró`,
  },
  {
    en: /^the filename describes a new patient, the document names registry patient (\d+)$/,
    es: ([expediente]) =>
      `el nombre del archivo describe a un paciente nuevo; el documento nombra al paciente del registro ${expediente}`,
  },
  // A review's candidate under another expediente, which the document is not compared with (see filenameTarget).
  {
    en: /^the document's birth date (.*?) is not candidate (\d+)'s \((\S+)\)$/,
    es: ([stated, expediente, registry]) =>
      `la fecha de nacimiento del documento, ${statedDatesInSpanish(stated!)}, no es la del candidato ${expediente} (${datesDayFirst(registry!)})`,
  },
  {
    en: /^the document's birth date is candidate (\d+)'s \((\S+)\)$/,
    es: ([expediente, registry]) =>
      `la fecha de nacimiento del documento es la del candidato ${expediente} (${datesDayFirst(registry!)})`,
  },
  {
    en: /^the document's sex (\S+) is not candidate (\d+)'s \((\S+)\)$/,
    es: ([stated, expediente, registry]) =>
      `el sexo del documento, ${stated}, no es el del candidato ${expediente} (${registry})`,
  },
  {
    en: /^the document's sex is candidate (\d+)'s \((\S+)\)$/,
    es: ([expediente, registry]) => `el sexo del documento es el del candidato ${expediente} (${registry})`,
  },
  {
    en: /^the document's birth date (.*?) is not (\S+)$/,
    // Birth dates as Mexico writes them, as the document itself does (`08/12/1973`), not as they are stored.
    es: ([stated, registry]) =>
      `la fecha de nacimiento del documento, ${statedDatesInSpanish(stated!)}, no es ${datesDayFirst(registry!)}`,
  },
  {
    en: /^the document's sex (\S+) is not the registry's (\S+)$/,
    es: ([stated, registry]) => `el sexo del documento, ${stated}, no es el del registro (${registry})`,
  },
  {
    en: /^the document also names another patient \((.*)\): pages of two patients\?$/,
    es: ([others]) => `el documento nombra también a otro paciente (${others}): ¿páginas de dos pacientes?`,
  },
  {
    en: /^the filename's decision \((auto|new)\) goes to review$/,
    es: ([decision]) =>
      `solo por el nombre del archivo ${decision === 'auto' ? 'se asignaba automáticamente' : 'se creaba un paciente nuevo'} (${decision}): pasa a revisión`,
  },
  {
    en: /^confirmed by the document's own expediente and full name: registry patient (\d+) \((.*)\)$/,
    es: ([expediente, name]) =>
      `confirmado por el expediente y el nombre completo del propio documento: paciente del registro ${expediente} (${name})`,
  },
  // Recorded by versions before the `confirmed` verdict.
  {
    en: /^trusted: the document's expediente and full name are registry patient (\d+)'s$/,
    es: ([expediente]) =>
      `de confianza: el expediente y el nombre completo del documento son los del paciente del registro ${expediente}`,
  },
];

/**
 * A file not archived or quarantined (run-ingest's notMovedMessage): the sentence, then its reason through the
 * MOVE_REASON_RULES (a reason no rule knows, such as a system error's own words, is kept as it is). The folder
 * is taken up to the first ': ', as paths seldom hold one; should one, the rest stays verbatim, never garbled.
 */
const MOVE_RULES: DetailRule[] = [
  {
    en: new RegExp(
      `^(${Object.values(FILE_OUTCOMES)
        .map((o) => literal(o.label))
        .join('|')}), but not moved to ` + '(--archive-dir|--quarantine-dir) (.+?): (.+)$',
    ),
    es: ([label, flag, dir, why], c) => {
      const outcome = (Object.keys(FILE_OUTCOMES) as FileOutcome[]).find(
        (o) => FILE_OUTCOMES[o].label === label,
      )!;
      return `${c.outcome(outcome)}, pero no se movió a ${flag} ${dir}: ${c.detail(why!)}`;
    },
  },
];

/** Why a file could not be moved (run-ingest's describeMoveError and moveWithoutOverwrite's own errors). */
const STAYS_FOR_NEXT_RUN = 'se queda en la carpeta de entrada para la próxima ejecución';
const MOVE_REASON_RULES: DetailRule[] = [
  {
    en: new RegExp(
      '^its name is not valid UTF-8 and (another file of its folder shows the same name, so it cannot be told ' +
        'apart|no file of its folder has that name any more); it stays in the drop folder: rename it in UTF-8 ' +
        '\\(e\\.g\\. (convmv .+)\\)$',
    ),
    es: ([why, convmv]) =>
      'su nombre no es UTF-8 válido y ' +
      (why!.startsWith('another')
        ? 'otro archivo de su carpeta se muestra con el mismo nombre, así que no se pueden distinguir'
        : 'ya no hay en su carpeta un archivo con ese nombre') +
      `; se queda en la carpeta de entrada: cámbiele el nombre a UTF-8 (p. ej. ${convmv})`,
  },
  fixed(
    'it changed after it was read (its size or time is not what they were), so it may still be being written; ' +
      'it stays in the drop folder for the next run',
    'cambió después de leerse (su tamaño o su fecha ya no son los de entonces), así que quizá aún se está ' +
      `escribiendo; ${STAYS_FOR_NEXT_RUN}`,
  ),
  fixed(
    'it changed while it was being copied, so it may still be being written; it stays in the drop folder for the next run',
    `cambió mientras se copiaba, así que quizá aún se está escribiendo; ${STAYS_FOR_NEXT_RUN}`,
  ),
  // The wording of runs before 2026-11 (a file modified less than a minute before its move), still recorded.
  {
    en: /^it was modified (\d+(?:\.\d+)?) s ago and may still be being written; it stays in the drop folder for the next run$/,
    es: ([seconds]) => `se modificó hace ${seconds} s y quizá aún se está escribiendo; ${STAYS_FOR_NEXT_RUN}`,
  },
  fixed(
    'it is no longer in the drop folder: it was moved or deleted after the run read it',
    'ya no está en la carpeta de entrada: se movió o se borró después de que la ejecución lo leyera',
  ),
  {
    en: /^it is (a named pipe \(FIFO\)|a socket|a device|a special file), not a regular file: not moved; it stays in the drop folder$/,
    es: ([kind]) =>
      `es ${SPECIAL_FILE_KINDS_ES[kind!] ?? kind}, no un archivo común: no se movió; se queda en la carpeta de entrada`,
  },
  fixed(
    'the folder is on a read-only file-system',
    'la carpeta está en un sistema de archivos de solo lectura',
  ),
  fixed(
    'permission denied (check the folder’s permissions)',
    'permiso denegado (revise los permisos de la carpeta)',
  ),
  fixed('the path is too long for the file-system', 'la ruta es demasiado larga para el sistema de archivos'),
  fixed('no space left on the device', 'no queda espacio en el dispositivo'),
  {
    en: /^'(.*)' would leave (.+)$/,
    es: ([relative, root]) => `'${relative}' saldría de ${root}`,
  },
  {
    en: /^'(.*)' inside (.+) leads to (.+), outside it$/,
    es: ([relative, root, real]) => `'${relative}', dentro de ${root}, lleva a ${real}, fuera de ella`,
  },
  {
    en: /^the destination (.+) is the file itself: (.+) is its own folder$/,
    es: ([target, root]) => `el destino ${target} es el propio archivo: ${root} es su misma carpeta`,
  },
  {
    en: /^could not find a free name for (.+)$/,
    es: ([wanted]) => `no se encontró un nombre libre para ${wanted}`,
  },
];

/**
 * `review --reopen`'s refusals and their hints (review/reopen-rejected): a command's, not a file's, so apart
 * from FILE_DETAIL_RULES (see translateRefusal).
 */
const REOPEN_RULES: DetailRule[] = [
  fixed(
    '--reopen takes a file id or content hash, not a session',
    '--reopen recibe un id de archivo o un hash de contenido, no una sesión',
  ),
  {
    en: /^'(.*)' is not a file id or content hash$/,
    es: ([id]) => `'${id}' no es un id de archivo ni un hash de contenido`,
  },
  fixed(
    '`tecsalud-batch status SESSION --files` lists rejected files; a later run names the content hash',
    '`tecsalud-batch status SESIÓN --files` lista los archivos rechazados; una ejecución posterior nombra el hash del contenido',
  ),
  fixed(
    'give at least 4 characters of the file id or content hash',
    'indique al menos 4 caracteres del id del archivo o del hash del contenido',
  ),
  { en: /^'(.*)' matches several files$/, es: ([id]) => `'${id}' coincide con varios archivos` },
  fixed('give more of the id', 'indique más caracteres del id'),
  {
    en: /^'(.*)' matches several rejected contents$/,
    es: ([id]) => `'${id}' coincide con varios contenidos rechazados`,
  },
  fixed('give more of the hash', 'indique más caracteres del hash'),
  {
    en: /^no rejected file or content '(.*)'$/,
    es: ([id]) => `no hay archivo ni contenido rechazado '${id}'`,
  },
  {
    en: /^'(.*)' is not rejected: it already waits for review \(session (\S+)\); nothing to reopen$/,
    es: ([file, session]) =>
      `'${file}' no está rechazado: ya espera revisión (sesión ${session}); nada que reabrir`,
  },
  {
    en: /^review it with `tecsalud-batch review (\S+)`$/,
    es: ([session]) => `revíselo con \`tecsalud-batch review ${session}\``,
  },
  {
    en: /^'(.*)' was not rejected: its review ended with '(.*)'; nothing to reopen$/,
    es: ([file, status]) =>
      `'${file}' no fue rechazado: su revisión terminó con '${status}'; nada que reabrir`,
  },
  fixed(
    '`tecsalud-batch documents move ID --to EXPEDIENTE` or `documents detach ID` change where its document is attached',
    '`tecsalud-batch documents move ID --to EXPEDIENTE` o `documents detach ID` cambian a quién está asignado su documento',
  ),
];

const LABEL_RULES: DetailRule[] = (Object.keys(FILE_OUTCOMES) as FileOutcome[]).map((outcome) => ({
  en: new RegExp(`^${literal(FILE_OUTCOMES[outcome].label)}$`),
  es: (_parts, c) => c.outcome(outcome),
}));

/** Every rule, tried in order: the first whose `en` matches the whole message translates it. */
export const FILE_DETAIL_RULES: readonly DetailRule[] = [
  REMEMBERED_RULE,
  ...FILENAME_RULES,
  ...VALIDATION_RULES,
  ...SESSION_RULES,
  ...EXTRACTION_RULES,
  ...OCR_RULES,
  ...STORAGE_RULES,
  ...CONTENT_RULES,
  ...MOVE_RULES,
  ...MOVE_REASON_RULES,
  ...LABEL_RULES,
  // A library's bare words after ours (`the vector store failed: fetch failed`): what failed and what to check.
  ...LIBRARY_ERROR_RULES,
];

/** Nested messages deeper than this are left as they are (a loop would be a rule's bug, not the user's). */
const MAX_DEPTH = 4;

/**
 * The Spanish of a per-file message, or the message itself when no rule knows it. `words` gives the
 * Spanish of the codes a message may carry (a reason, an outcome).
 */
export function translateFileDetail(
  message: string,
  words: Pick<DetailContext, 'reason' | 'outcome'>,
  depth = 0,
): string {
  if (depth > MAX_DEPTH) return message;
  const context: DetailContext = {
    ...words,
    detail: (nested) => translateFileDetail(nested, words, depth + 1),
  };
  for (const rule of FILE_DETAIL_RULES) {
    const match = rule.en.exec(message);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        context,
      );
  }
  return message;
}

/** A command's refusal (message or hint) in Spanish, or as it is when no rule knows it. */
export function translateRefusal(message: string): string {
  for (const rule of REOPEN_RULES) {
    const match = rule.en.exec(message);
    if (match) {
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        { detail: (nested) => nested, reason: (code) => code, outcome: (outcome) => outcome },
      );
    }
  }
  return message;
}
