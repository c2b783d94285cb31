/**
 * The refusals of the commands in Spanish (the folder to ingest, run locks, sessions, patients, documents,
 * tokens, cleanup, search, serve, the registry import), for usage-errors-es. Ids, paths, pids and dates stay
 * as they are; command lines stay as they are typed, with their placeholders in Spanish.
 */
import { LOCAL_TIMESTAMP_PATTERN, localTimestampInSpanish } from '../../core/text/local-timestamp.js';
import { formatCalendarDate } from '../format.js';
import { fixed, type RefusalRule } from './refusal-rules.js';
import { startedInSpanish } from './started-es.js';
import { translateImportReason } from './registry-import-es.js';

const PRINT_DOCUMENT_IDS_ES =
  '`tecsalud-batch patients show EXPEDIENTE` y `tecsalud-batch status SESIÓN --files` muestran los ids de los documentos';

/** The folder to ingest, its glob, its archive and quarantine folders, the log (ingest, plan-ingest, discover-files). */
const FOLDER_RULES: readonly RefusalRule[] = [
  { en: /^the folder '(.*)' does not exist$/s, es: ([dir]) => `la carpeta '${dir}' no existe` },
  fixed('give the folder that holds the PDFs', 'indique la carpeta que contiene los PDF'),
  { en: /^'(.*)' is not a folder$/s, es: ([dir]) => `'${dir}' no es una carpeta` },
  {
    en: /^'(.*)' is a folder: match takes file names, or paths of PDFs$/s,
    es: ([dir]) => `'${dir}' es una carpeta: match recibe nombres de archivo, o rutas de PDF`,
  },
  {
    en: /^for every file of a folder, see what a run would do with `tecsalud-batch ingest (.*) --dry-run`$/s,
    es: ([dir]) =>
      `para todos los archivos de una carpeta, vea lo que haría una ejecución con \`tecsalud-batch ingest ${dir} --dry-run\``,
  },
  fixed(
    'give the folder that holds the PDFs, not a file',
    'indique la carpeta que contiene los PDF, no un archivo',
  ),
  {
    en: /^cannot read the folder '(.*)': (.*)$/s,
    es: ([dir, why], detail) => `no se puede leer la carpeta '${dir}': ${detail(why!)}`,
  },
  fixed('check its permissions', 'revise sus permisos'),
  fixed("no folder to ingest: DIR is ''", "no hay carpeta que ingresar: CARPETA es ''"),
  fixed(
    'give the drop folder, e.g. tecsalud-batch ingest /srv/drop (in a cron line, check the variable it comes from)',
    'indique la carpeta de entrada, p. ej. tecsalud-batch ingest /srv/drop (en una línea de cron, revise la variable de la que viene)',
  ),
  { en: /^--glob '(.*)' is empty$/s, es: ([glob]) => `--glob '${glob}' está vacío` },
  {
    en: /^--glob '(.*)' is absolute: it must stay inside the folder$/s,
    es: ([glob]) => `--glob '${glob}' es absoluto: debe quedarse dentro de la carpeta`,
  },
  {
    en: /^--glob '(.*)' climbs out of the folder \('\.\.'\)$/s,
    es: ([glob]) => `--glob '${glob}' sale de la carpeta ('..')`,
  },
  {
    en: /^--glob '(.*)' leads out of the folder: '(.*)' is a link to (.*)$/s,
    es: ([glob, base, real]) =>
      `--glob '${glob}' lleva fuera de la carpeta: '${base}' es un enlace a ${real}`,
  },
  {
    en: /^--glob '(.*)' matches (a folder|\d+ folders) \('(.*)'\), not files: nothing would be taken$/s,
    es: ([glob, what, first]) =>
      `--glob '${glob}' coincide con ${what === 'a folder' ? 'una carpeta' : `${what!.replace(' folders', ' carpetas')}`} ('${first}'), no con archivos: no se tomaría nada`,
  },
  {
    en: /^--glob '(.*)' matches only files in hidden or system folders \('(.*)'\), which a run skips$/s,
    es: ([glob, first]) =>
      `--glob '${glob}' solo coincide con archivos en carpetas ocultas o de sistema ('${first}'), que una ejecución omite`,
  },
  fixed('add --include-hidden to take them', 'agregue --include-hidden para tomarlos'),
  {
    en: /^write '(.*)' for the files in it \(a pattern is relative to the folder being ingested\)$/s,
    es: ([pattern]) =>
      `escriba '${pattern}' para los archivos que contiene (un patrón es relativo a la carpeta de entrada)`,
  },
  fixed(
    "give a pattern relative to the folder being ingested, without '..', e.g. '**/*.pdf' or 'urgencias/**'",
    "indique un patrón relativo a la carpeta de entrada, sin '..', p. ej. '**/*.pdf' o 'urgencias/**'",
  ),
  {
    en: /^--archive-dir and --quarantine-dir are the same folder \((.*)\): ingested files and files that failed would be mixed$/s,
    es: ([dir]) =>
      `--archive-dir y --quarantine-dir son la misma carpeta (${dir}): se mezclarían los archivos ingresados con los que fallaron`,
  },
  {
    en: /^(--archive-dir|--quarantine-dir) \((.*)\) is inside (--archive-dir|--quarantine-dir) \((.*)\): a file of a sub-folder '(.*)' of the folder being ingested would land in the other one$/s,
    es: ([inner, innerDir, outer, outerDir, sub]) =>
      `${inner} (${innerDir}) está dentro de ${outer} (${outerDir}): un archivo de una subcarpeta '${sub}' de la carpeta de entrada acabaría en la otra`,
  },
  {
    en: /^give each its own folder, e\.g\. (.*) and (.*)$/s,
    es: ([archive, quarantine]) => `dé a cada uno su propia carpeta, p. ej. ${archive} y ${quarantine}`,
  },
  {
    en: /^(--\S+) '(.*)' is inside the folder being ingested(?: \(through a link: (.*) is in (.*)\))?$/s,
    es: ([flag, value, real, source]) =>
      `${flag} '${value}' está dentro de la carpeta de entrada${real ? ` (a través de un enlace: ${real} está en ${source})` : ''}`,
  },
  fixed('choose a folder outside it', 'elija una carpeta fuera de ella'),
  {
    en: /^(--\S+) '(.*)' contains the folder being ingested \((.*)\): a file in a subfolder could be moved back into it$/s,
    es: ([flag, value, source]) =>
      `${flag} '${value}' contiene la carpeta de entrada (${source}): un archivo de una subcarpeta podría volver a moverse a ella`,
  },
  {
    en: /^choose a folder beside it rather than above it, e\.g\. (.*)$/s,
    es: ([example]) => `elija una carpeta junto a ella y no por encima, p. ej. ${example}`,
  },
  {
    en: /^(--\S+) '(.*)' is a file, not a folder$/s,
    es: ([flag, value]) => `${flag} '${value}' es un archivo, no una carpeta`,
  },
  fixed('give a folder (it is created if missing)', 'indique una carpeta (se crea si falta)'),
  {
    en: /^(--\S+) '(.*)' cannot be created: (.*) is a file, not a folder$/s,
    es: ([flag, value, file]) =>
      `${flag} '${value}' no se puede crear: ${file} es un archivo, no una carpeta`,
  },
  {
    en: /^(--\S+) '(.*)' cannot be created: this account may not write in (.*)$/s,
    es: ([flag, value, parent]) =>
      `${flag} '${value}' no se puede crear: esta cuenta no puede escribir en ${parent}`,
  },
  fixed(
    'give a folder this account can write, or change its owner or permissions (chown, chmod)',
    'indique una carpeta en la que esta cuenta pueda escribir, o cambie su dueño o sus permisos (chown, chmod)',
  ),
  {
    en: /^cannot write the log '(.*)': (.*)$/s,
    es: ([log, why], detail) => `no se puede escribir la bitácora '${log}' (--log-file): ${detail(why!)}`,
  },
  fixed(
    'give a file path in a folder this account can write (or - for stderr)',
    'indique la ruta de un archivo en una carpeta donde esta cuenta pueda escribir (o - para stderr)',
  ),
  fixed(
    'give a file path (or - for stderr); to log into the pipe, start the program that reads it first',
    'indique la ruta de un archivo (o - para stderr); para escribir la bitácora en la tubería, inicie antes el programa que la lee',
  ),
  fixed('--dry-run and --enqueue do not go together', '--dry-run y --enqueue no van juntos'),
  fixed('drop one of them', 'quite uno de los dos'),
  {
    en: /^processing type '(.*)' needs a vector store and an embedder$/,
    es: ([type]) =>
      `el tipo de procesamiento '${type}' necesita un índice de búsqueda (--vector-store) y un modelo de búsqueda (--embedder)`,
  },
];

/** The run lock of a folder (ingest/run-lock) and the lock of a document being changed. */
const LOCK_RULES: readonly RefusalRule[] = [
  {
    en: new RegExp(
      `^another run is already processing (.+) on this database \\(pid (\\d+) on (\\S+), started ${LOCAL_TIMESTAMP_PATTERN}(?:, session (\\S+))?\\)$`,
      's',
    ),
    es: ([dir, pid, host, started, session]) =>
      `otra ejecución ya está procesando ${dir} en esta base de datos (pid ${pid} en ${host}, ${startedInSpanish(started!, 'ejecución')}` +
      `${session ? `, sesión ${session}` : ''})`,
  },
  {
    en: /^another run is already processing (.+) on this database \(it has only just started: its pid and host are not written yet\)$/s,
    es: ([dir]) =>
      `otra ejecución ya está procesando ${dir} en esta base de datos (acaba de empezar: su pid y su host aún no ` +
      'están escritos)',
  },
  fixed(
    'wait for it to finish; a lock left by a killed run is taken over automatically',
    'espere a que termine; el bloqueo que deja una ejecución interrumpida se retoma automáticamente',
  ),
  {
    en: /^wait for it to finish; this machine \((.*)\) cannot tell whether that run still goes on\. If none does \(a machine that went down, a container that changed its host name\), lift the lock with `(.*)`$/s,
    es: ([host, command]) =>
      `espere a que termine; esta máquina (${host}) no puede saber si esa ejecución sigue. Si ninguna sigue ` +
      `(una máquina que se apagó, un contenedor que cambió de nombre de host), levante el bloqueo con \`${command}\``,
  },
  {
    en: /^lost the run lock on (.+): its database connection dropped, and another run took the folder meanwhile$/s,
    es: ([dir]) =>
      `se perdió el bloqueo de ejecución de ${dir}: se cortó su conexión con la base de datos y otra ejecución tomó la carpeta mientras tanto`,
  },
  fixed(
    'the other run goes on with the files; see `tecsalud-batch sessions`',
    'la otra ejecución sigue con los archivos; vea `tecsalud-batch sessions`',
  ),
  {
    en: new RegExp(
      `^the run holding (.+) is still going on: pid (\\d+) on this host, started ${LOCAL_TIMESTAMP_PATTERN}$`,
      's',
    ),
    es: ([dir, pid, started]) =>
      `la ejecución que bloquea ${dir} sigue en marcha: pid ${pid} en este host, ${startedInSpanish(started!, 'ejecución')}`,
  },
  {
    en: /^wait for it to finish, or stop it \(`kill (\d+)`: it finishes the files in flight and releases the lock\)$/,
    es: ([pid]) =>
      `espere a que termine, o deténgala (\`kill ${pid}\`: termina los archivos en curso y libera el bloqueo)`,
  },
  {
    en: new RegExp(
      `^the lock on (.+) was taken on another host, (\\S+) \\(pid (\\d+), started ${LOCAL_TIMESTAMP_PATTERN}\\): this machine \\((.*)\\) cannot tell whether that run still goes on$`,
      's',
    ),
    es: ([dir, other, pid, started, host]) =>
      `el bloqueo de ${dir} se tomó en otro host, ${other} (pid ${pid}, ${startedInSpanish(started!, 'ejecución')}): ` +
      `esta máquina (${host}) no puede saber si esa ejecución sigue`,
  },
  {
    en: /^if no run is going on there, lift it with `(.*)`$/s,
    es: ([command]) => `si allí no hay ninguna ejecución en marcha, levántelo con \`${command}\``,
  },
  fixed(
    'name the folder whose run lock to lift (an empty argument was given)',
    'indique la carpeta cuyo bloqueo de ejecución levantar (se dio un argumento vacío)',
  ),
  {
    en: /^no run lock on (.+), and that folder does not exist$/s,
    es: ([dir]) => `no hay bloqueo de ejecución en ${dir}, y esa carpeta no existe`,
  },
  fixed(
    'check the path: give the folder as it was given to `ingest` (`tecsalud-batch sessions` lists the folders of the runs)',
    'revise la ruta: indique la carpeta como se le dio a `ingest` (`tecsalud-batch sessions` lista las carpetas de las ejecuciones)',
  ),
  {
    en: new RegExp(
      `^document (\\S+) is being changed by another command right now \\(pid (\\d+) on (\\S+), started ${LOCAL_TIMESTAMP_PATTERN}\\); nothing was changed$`,
    ),
    es: ([id, pid, host, started]) =>
      `otro comando está cambiando el documento ${id} en este momento (pid ${pid} en ${host}, ` +
      `${startedInSpanish(started!, 'comando')}); no se cambió nada`,
  },
  fixed(
    'wait for it to finish, check the result with `tecsalud-batch patients show EXPEDIENTE`, then run yours again if it is still needed',
    'espere a que termine, revise el resultado con `tecsalud-batch patients show EXPEDIENTE` y ejecute el suyo de nuevo si aún hace falta',
  ),
];

/** Sessions (app/sessions, cleanup) and the review's own. */
const SESSION_RULES: readonly RefusalRule[] = [
  fixed('there are no sessions yet', 'todavía no hay sesiones'),
  fixed('run `tecsalud-batch ingest DIR` first', 'ejecute primero `tecsalud-batch ingest CARPETA`'),
  { en: /^'(.*)' is not a session id$/s, es: ([id]) => `'${id}' no es un id de sesión` },
  fixed("the session id is empty ('')", "el id de sesión está vacío ('')"),
  fixed(
    'give the id or its first characters, or leave it out for the latest session (in a script, check the variable it comes from)',
    'indique el id o sus primeros caracteres, u omítalo para la sesión más reciente (en un script, revise la variable de la que viene)',
  ),
  fixed(
    'give the id or its first characters, as `tecsalud-batch sessions` lists them',
    'indique el id o sus primeros caracteres, como los lista `tecsalud-batch sessions`',
  ),
  { en: /^no session '(.*)'$/s, es: ([id]) => `no hay ninguna sesión '${id}'` },
  fixed('list them with `tecsalud-batch sessions`', 'lístelas con `tecsalud-batch sessions`'),
  { en: /^'(.*)' matches several sessions$/s, es: ([id]) => `'${id}' coincide con varias sesiones` },
  {
    en: /^give more of the id; it matches:\n(.*)$/s,
    // Their times as `sessions` shows them in Spanish: day first.
    es: ([sessions]) =>
      `indique más caracteres del id; coincide con:\n${sessions!.replace(/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\b/g, localTimestampInSpanish)}`,
  },
  { en: /^session (\S+) is still (\S+)$/, es: ([id, status]) => `la sesión ${id} sigue en estado ${status}` },
  fixed(
    'wait for it to finish (or, if its run was killed, run the ingest again first)',
    'espere a que termine (o, si su ejecución se interrumpió, ejecute antes la ingesta de nuevo)',
  ),
  {
    en: /^it was created through the HTTP API and never processed: process it, or discard it with its uploads \(an admin token: (DELETE \S+)\)$/,
    es: ([call]) =>
      `se creó por la API HTTP y nunca se procesó: procésela, o descártela junto con sus archivos subidos (con un token de admin: ${call})`,
  },
  fixed(
    'name a session, or give --older-than (e.g. 7d)',
    'indique una sesión, o dé --older-than (p. ej. 7d)',
  ),
  fixed('give either a session or --older-than, not both', 'indique una sesión o --older-than, no ambos'),
  fixed(
    '--purge works on one named session at a time',
    '--purge actúa sobre una sola sesión indicada a la vez',
  ),
  fixed('--force only applies to --purge', '--force solo se aplica a --purge'),
  fixed(
    '--orphans works on a whole collection: give it no session, --older-than, --purge, --force or --session-expiry',
    '--orphans actúa sobre una colección entera: no le indique sesión, --older-than, --purge, --force ni --session-expiry',
  ),
  {
    en: /^a run is processing (.+) \(pid (\d+) on (.+)\): a run writes a document's vectors before its row, so no chunk is deleted as an orphan while one goes on$/,
    es: ([folder, pid, host]) =>
      `una ejecución está procesando ${folder} (pid ${pid} en ${host}): una ejecución guarda los fragmentos indexados de ` +
      'un documento antes que su registro, así que no se borra ningún fragmento huérfano mientras tanto',
  },
  {
    en: /^session (\S+) is being processed: a run writes a document's vectors before its row, so no chunk is deleted as an orphan while one goes on$/,
    es: ([id]) =>
      `la sesión ${id} se está procesando: una ejecución guarda los fragmentos indexados de un documento antes que su registro, ` +
      'así que no se borra ningún fragmento huérfano mientras tanto',
  },
  fixed(
    'run `tecsalud-batch cleanup --orphans` again once it has finished (`tecsalud-batch sessions` shows it)',
    'ejecute de nuevo `tecsalud-batch cleanup --orphans` cuando haya terminado (`tecsalud-batch sessions` la muestra)',
  ),
  fixed('--session-expiry only applies to --older-than', '--session-expiry solo se aplica a --older-than'),
  {
    en: /^(\d+) of the (\d+) documents of session (\S+) are within the (\d+)-year retention of clinical records \(NOM-004-SSA3, from each patient's latest document\); nothing was deleted\. The session can be purged from (.+)$/,
    // The date as Mexico writes it (DD/MM/AAAA), as every other date a person reads in Spanish.
    es: ([held, total, id, years, from]) =>
      `${held} de los ${total} documentos de la sesión ${id} están dentro de la conservación de ${years} años del expediente clínico ` +
      `(NOM-004-SSA3, desde el último documento de cada paciente); no se borró nada. La sesión se puede purgar a partir ` +
      (from === 'a date that cannot be read'
        ? 'de una fecha que no se puede leer'
        : `del ${formatCalendarDate(from!, 'es')}`),
  },
  fixed(
    'keep them until then, or pass --force to purge them anyway (the audit log records it); the period is the config file\'s "retentionYears"',
    'consérvelos hasta entonces, o pase --force para purgarlos de todos modos (la bitácora de auditoría lo registra); el plazo es "retentionYears" del archivo de configuración',
  ),
  { en: /^file (\S+) is not in the database$/, es: ([id]) => `el archivo ${id} no está en la base de datos` },
];

/** Patients, documents and the registry import (commands/patients, app/document-changes, documents/, app/import-registry). */
const PATIENT_RULES: readonly RefusalRule[] = [
  {
    en: /^no patient with expediente '?(.*?)'?( in the registry)?$/s,
    es: ([expediente, inRegistry]) =>
      `no hay ningún paciente con expediente '${expediente}'${inRegistry ? ' en el registro' : ''}`,
  },
  {
    en: /^try `tecsalud-batch patients search "NAME"`$/,
    es: () => 'pruebe `tecsalud-batch patients search "NOMBRE"`',
  },
  {
    en: /^the registry has the same number with other leading zeros: (.*); if that is the one: (.*)$/s,
    es: ([expedientes, command]) =>
      `el registro tiene el mismo número con otros ceros a la izquierda: ${expedientes}; si es ese: ${command}`,
  },
  fixed(
    'import the registry first (`tecsalud-batch patients import`), or search it: `tecsalud-batch patients search "NAME"`',
    'importe primero el registro (`tecsalud-batch patients import`), o búsquelo: `tecsalud-batch patients search "NOMBRE"`',
  ),
  fixed(
    'check the number, or look the patient up: `tecsalud-batch patients search "NAME"`',
    'revise el número, o busque al paciente: `tecsalud-batch patients search "NOMBRE"`',
  ),
  fixed('give part of a name to search for', 'indique parte de un nombre que buscar'),
  {
    en: /^--allow-rename-of takes expedientes separated by commas(?:: '(.*)' is not one \(8 to 12 digits\))?$/s,
    es: ([wrong]) =>
      `--allow-rename-of recibe expedientes separados por comas${wrong ? `: '${wrong}' no lo es (8 a 12 dígitos)` : ''}`,
  },
  fixed(
    'e.g. --allow-rename-of 3000875628,3000635026 (the expedientes the import refused to rename)',
    'p. ej. --allow-rename-of 3000875628,3000635026 (los expedientes a los que la importación se negó a cambiar el nombre)',
  ),
  { en: /^'(.*)' is not a document id$/s, es: ([id]) => `'${id}' no es un id de documento` },
  fixed(
    '`tecsalud-batch patients show EXPEDIENTE` and `tecsalud-batch status SESSION --files` print document ids',
    PRINT_DOCUMENT_IDS_ES,
  ),
  fixed(
    'give at least 4 characters of the document id',
    'indique al menos 4 caracteres del id del documento',
  ),
  { en: /^'(.*)' matches several documents$/s, es: ([id]) => `'${id}' coincide con varios documentos` },
  { en: /^no document '(.*)'$/s, es: ([id]) => `no hay ningún documento '${id}'` },
  {
    en: /^document (\S+) was detached on (\S+) by (.*): it is no longer a document, its file went back to review in session (\S+)$/s,
    es: ([id, on, by, session]) =>
      `el documento ${id} fue desvinculado el ${on} por ${by}: ya no es un documento, su archivo volvió a revisión en la sesión ${session}`,
  },
  {
    en: /^`tecsalud-batch status (\S+) --files` shows where the file is now; attached again in `tecsalud-batch review (\S+)`, it is a document again$/,
    es: ([session]) =>
      `\`tecsalud-batch status ${session} --files\` muestra dónde está ahora el archivo; asignado de nuevo en \`tecsalud-batch review ${session}\`, vuelve a ser un documento`,
  },
  // A move or detach whose vector write failed part way (documents/unfinished-vector-change): the store's own
  // refusal first, then what may now disagree.
  {
    en: /^(.*); the move of document (\S+) to expediente (\S+) did not finish: its vectors may already name that patient while the registry still files it under (\S+)$/s,
    es: ([why, id, to, from], detail) =>
      `${detail(why!)}; el traslado del documento ${id} al expediente ${to} no terminó: puede que sus fragmentos indexados ya ` +
      `nombren a ese paciente mientras el registro aún lo archiva en ${from}`,
  },
  {
    en: /^(?:(.*); then )?run `tecsalud-batch documents move (\S+) --to (\S+)` again to finish it, or `tecsalud-batch documents move \S+ --to (\S+)` to put its vectors back$/s,
    es: ([first, id, to, from], detail) =>
      `${first ? `${detail(first)}; después ejecute` : 'Ejecute'} de nuevo \`tecsalud-batch documents move ${id} --to ${to}\` ` +
      `para terminarlo, o \`tecsalud-batch documents move ${id} --to ${from}\` para devolver sus fragmentos indexados`,
  },
  {
    en: /^(.*); the detach of document (\S+) did not finish: some of its chunks may already be gone from the vector store while the registry still files it under expediente (\S+) \(its text is kept\)$/s,
    es: ([why, id, expediente], detail) =>
      `${detail(why!)}; la desvinculación del documento ${id} no terminó: puede que algunos de sus fragmentos ya no ` +
      `estén en el índice de búsqueda mientras el registro aún lo archiva en el expediente ${expediente} (su texto se conserva)`,
  },
  {
    en: /^(?:(.*); then )?run `tecsalud-batch documents detach (\S+)` again to finish it$/s,
    es: ([first, id], detail) =>
      `${first ? `${detail(first)}; después ejecute` : 'Ejecute'} de nuevo \`tecsalud-batch documents detach ${id}\` para terminarla`,
  },
  // A move that found a document's chunks missing (a detach died after deleting them) and could not make them again.
  {
    en: /^(\d+) of the (\d+) chunks of document (\S+) are missing from the vector store, so search does not find it; nothing was changed, as they could not be made again from its text: (.*)$/s,
    es: ([missing, total, id, why], detail) =>
      `faltan ${missing} de los ${total} fragmentos del documento ${id} en el índice de búsqueda, así que la búsqueda no ` +
      `lo encuentra; no se cambió nada, porque no se pudieron crear de nuevo a partir de su texto: ${detail(why!)}`,
  },
  {
    en: /^(\d+) of the (\d+) chunks of document (\S+) are missing from the vector store, so search does not find it, and the registry keeps no text of it to make them again; nothing was changed$/,
    es: ([missing, total, id]) =>
      `faltan ${missing} de los ${total} fragmentos del documento ${id} en el índice de búsqueda, así que la búsqueda no ` +
      'lo encuentra, y el registro no guarda su texto para crearlos de nuevo; no se cambió nada',
  },
  fixed(
    'ingest its PDF again with --force: that stores its chunks again',
    'ingiera su PDF de nuevo con --force: así se guardan de nuevo sus fragmentos',
  ),
  {
    en: /^(?:(.*); then )?run `(tecsalud-batch documents move \S+ --to \S+)` again to make them and finish it$/s,
    es: ([first, command], detail) =>
      `${first ? `${detail(first)}; después ejecute` : 'Ejecute'} de nuevo \`${command}\` para crearlos y terminarlo`,
  },
  {
    en: /^(.*); the purge of session (\S+) did not finish: part of the vectors of its documents \((\d+)\) may already be gone while the registry still holds them$/s,
    es: ([why, id, count], detail) =>
      `${detail(why!)}; la purga de la sesión ${id} no terminó: puede que parte de los fragmentos indexados de sus documentos (${count}) ` +
      'ya no esté mientras el registro aún los conserva',
  },
  {
    en: /^(?:(.*); then )?run `tecsalud-batch cleanup (\S+) --purge( --force)?` again to finish it$/s,
    es: ([first, id, force], detail) =>
      `${first ? `${detail(first)}; después ejecute` : 'Ejecute'} de nuevo \`tecsalud-batch cleanup ${id} --purge${force}\` para terminarla`,
  },
  {
    en: /^document (\S+) is gone: another command detached or purged it just now$/,
    es: ([id]) => `el documento ${id} ya no existe: otro comando lo desvinculó o purgó hace un momento`,
  },
  fixed(
    'see where its file is with `tecsalud-batch status SESSION --files`',
    'vea dónde está su archivo con `tecsalud-batch status SESIÓN --files`',
  ),
  {
    en: /^the session that ingested document (\S+) no longer exists, so it has no review to go back to$/,
    es: ([id]) =>
      `la sesión que ingirió el documento ${id} ya no existe, así que no tiene revisión a la que volver`,
  },
  fixed(
    'move it to the right patient instead: `tecsalud-batch documents move ID --to EXPEDIENTE`',
    'muévalo mejor al paciente correcto: `tecsalud-batch documents move ID --to EXPEDIENTE`',
  ),
  {
    en: /^the text of document (\S+) is stored nowhere \(no content, no chunks\), so it cannot be reviewed again$/,
    es: ([id]) =>
      `el texto del documento ${id} no está guardado en ningún sitio (ni contenido ni fragmentos), así que no se puede revisar de nuevo`,
  },
  fixed(
    'move it to the right patient with `tecsalud-batch documents move`, or ingest its PDF again with --force',
    'muévalo al paciente correcto con `tecsalud-batch documents move`, o ingiera su PDF de nuevo con --force',
  ),
  { en: /^the file '(.*)' does not exist$/s, es: ([file]) => `el archivo '${file}' no existe` },
  fixed('give the path of a CSV file', 'indique la ruta de un archivo CSV'),
  {
    en: /^'(.*)' is a folder, not a CSV file$/s,
    es: ([file]) => `'${file}' es una carpeta, no un archivo CSV`,
  },
  {
    en: /^'(.*)' is not a patient registry CSV: (.*)$/s,
    es: ([file, why]) => `'${file}' no es un CSV de registro de pacientes: ${translateImportReason(why!)}`,
  },
  {
    en: /^the first line must name the columns, e\.g\. (.*)$/s,
    es: ([columns]) => `la primera línea debe nombrar las columnas, p. ej. ${columns}`,
  },
  { en: /^'(.*)' is empty$/s, es: ([file]) => `'${file}' está vacío` },
  {
    en: /^'(.*)' has its header line and no rows under it: nothing to import$/s,
    es: ([file]) => `'${file}' tiene la línea de encabezado y ninguna fila debajo: no hay nada que importar`,
  },
  fixed(
    'check that the export finished, and import the complete file',
    'compruebe que la exportación terminó e importe el archivo completo',
  ),
  {
    en: /^'(.*)' is UTF-16 \(Excel's "Unicode Text"\), not a CSV this import reads$/s,
    es: ([file]) =>
      `'${file}' está en UTF-16 ("Texto Unicode" de Excel), no es un CSV que esta importación lea`,
  },
  fixed(
    'in Excel, save it as "CSV UTF-8 (Comma delimited)"',
    'en Excel, guárdelo como "CSV UTF-8 (delimitado por comas)"',
  ),
  {
    en: /^'(.*)' is a spreadsheet workbook \(Excel \.xlsx or \.xls, LibreOffice \.ods\), not a CSV file$/s,
    es: ([file]) =>
      `'${file}' es un libro de hoja de cálculo (Excel .xlsx o .xls, LibreOffice .ods), no un archivo CSV`,
  },
  fixed(
    'in Excel, save it as "CSV UTF-8 (Comma delimited)" and import that file',
    'en Excel, guárdelo como "CSV UTF-8 (delimitado por comas)" e importe ese archivo',
  ),
  {
    en: /^'(.*)' is UTF-8 \(line (\d+) has accents written in UTF-8\), not (\S+): nothing was imported$/s,
    es: ([file, line, encoding]) =>
      `'${file}' está en UTF-8 (la línea ${line} tiene acentos escritos en UTF-8), no en ${encoding}: no se importó nada`,
  },
  fixed('import it without --encoding', 'impórtelo sin --encoding'),
  {
    en: /^'(.*)' is not UTF-8: line (\d+) has bytes that are not UTF-8 \(an Excel "CSV" export is Windows-1252\); nothing was imported$/s,
    es: ([file, line]) =>
      `'${file}' no está en UTF-8: la línea ${line} tiene bytes que no son UTF-8 (un "CSV" exportado de Excel es Windows-1252); no se importó nada`,
  },
  fixed(
    'import it again with --encoding windows-1252 (or latin1), or save it in Excel as "CSV UTF-8 (Comma delimited)"',
    'impórtelo de nuevo con --encoding windows-1252 (o latin1), o guárdelo en Excel como "CSV UTF-8 (delimitado por comas)"',
  ),
];

/** search, match, serve, tokens, worker and the backends they open. */
const OTHER_COMMAND_RULES: readonly RefusalRule[] = [
  fixed('give the text to search for', 'indique el texto que buscar'),
  {
    en: /^--type must be one of (.*), or a filename's type code \((.*)\)$/s,
    es: ([types, codes]) =>
      `--type debe ser uno de ${types}, o el código de tipo de un nombre de archivo (${codes})`,
  },
  {
    en: /^'(.*)' is not an expediente \(8 to 12 digits\)$/s,
    es: ([given]) => `'${given}' no es un expediente (de 8 a 12 dígitos)`,
  },
  fixed(
    'to find a patient by name: tecsalud-batch patients search "NAME"',
    'para buscar a un paciente por nombre: tecsalud-batch patients search "NOMBRE"',
  ),
  {
    en: /^'(.*)' is a file name, not an expediente$/s,
    es: ([given]) => `'${given}' es un nombre de archivo, no un expediente`,
  },
  {
    en: /^the expediente it starts with: tecsalud-batch patients show (\d+)$/,
    es: ([expediente]) => `el expediente con el que empieza: tecsalud-batch patients show ${expediente}`,
  },
  {
    en: /^without them: tecsalud-batch patients show (\d+)$/,
    es: ([expediente]) => `sin ellos: tecsalud-batch patients show ${expediente}`,
  },
  {
    en: /^the expediente in it: tecsalud-batch patients show (\d+)$/,
    es: ([expediente]) => `el expediente que contiene: tecsalud-batch patients show ${expediente}`,
  },
  fixed(
    "it looks like a document's or a session's id: `documents move ID --to EXPEDIENTE` and `documents detach ID` take a document id; `status SESSION` a session id",
    'parece el id de un documento o de una sesión: `documents move ID --to EXPEDIENTE` y `documents detach ID` reciben el id de un documento; `status SESIÓN`, el de una sesión',
  ),
  fixed(
    "a longer number is another one (a document's or an account's): the expediente is the first part of a document's file name; to find a patient by name: tecsalud-batch patients search \"NAME\"",
    'un número más largo es otro (el de un documento o de una cuenta): el expediente es la primera parte del nombre de archivo de un documento; para buscar a un paciente por nombre: tecsalud-batch patients search "NOMBRE"',
  ),
  {
    en: /^to find the expedientes that contain these digits: tecsalud-batch patients search (\d+)$/,
    es: ([digits]) =>
      `para buscar los expedientes que contienen estos dígitos: tecsalud-batch patients search ${digits}`,
  },
  {
    en: /^--patient takes an expediente \(8 to 12 digits\), not '(.*)'$/s,
    es: ([given]) => `--patient recibe un expediente (de 8 a 12 dígitos), no '${given}'`,
  },
  {
    en: /^the collection "(.*)" does not exist in the (Chroma|embedded) vector store$/s,
    es: ([name, store]) =>
      `la colección "${name}" no existe en el índice de búsqueda ${store === 'Chroma' ? 'Chroma' : 'embebido'}`,
  },
  {
    en: /^the collections there: (.*); choose one with --collection$/s,
    es: ([names]) => `las colecciones que hay: ${names}; elija una con --collection`,
  },
  fixed(
    'it holds no collection yet: `tecsalud-batch ingest DIR` creates one',
    'todavía no tiene colecciones: `tecsalud-batch ingest CARPETA` crea una',
  ),
  {
    en: /^the query '(.*)' has no word to search for: the embedded embedder leaves out common words \(de, la, el, y…\)$/s,
    es: ([query]) =>
      `la consulta '${query}' no tiene ninguna palabra que buscar: el modelo de búsqueda integrado (hashing) omite las palabras comunes (de, la, el, y…)`,
  },
  fixed(
    'search for the words the document would contain, e.g. "biometría hemática"',
    'busque las palabras que contendría el documento, p. ej. "biometría hemática"',
  ),
  fixed(
    '--review-threshold must not be above --auto-threshold',
    '--review-threshold no debe ser mayor que --auto-threshold',
  ),
  {
    en: /^--no-auth is accepted only when listening on a loopback address, not on (.*)$/s,
    es: ([host]) => `--no-auth solo se acepta al escuchar en una dirección de loopback, no en ${host}`,
  },
  fixed(
    'create tokens for the clients (`tecsalud-batch tokens create --name NAME --role ROLE`), or use --host 127.0.0.1',
    'cree tokens para los clientes (`tecsalud-batch tokens create --name NOMBRE --role ROL`), o use --host 127.0.0.1',
  ),
  { en: /^'(.*)' is not an origin$/s, es: ([origin]) => `'${origin}' no es un origen` },
  {
    en: /^write it as the browser sends it: (.*) or (.*)$/s,
    es: ([one, other]) => `escríbalo como lo envía el navegador: ${one} o ${other}`,
  },
  {
    en: /^cannot use the upload folder '(.*)': (.*)$/s,
    es: ([dir, why], detail) => `no se puede usar la carpeta de subidas '${dir}': ${detail(why!)}`,
  },
  fixed(
    'give --upload-dir (or serve.uploadDir in the config file) a folder this account can write; it is created when missing',
    'dé a --upload-dir (o a serve.uploadDir del archivo de configuración) una carpeta donde esta cuenta pueda escribir; se crea si falta',
  ),
  { en: /^'(.*)' is not a token name$/s, es: ([name]) => `'${name}' no es un nombre de token` },
  fixed(
    'use up to 64 letters, digits, dots, dashes, underscores or @ (e.g. frontend-prod)',
    'use hasta 64 letras, dígitos, puntos, guiones, guiones bajos o @ (p. ej. frontend-prod)',
  ),
  { en: /^a token named '(.*)' already exists$/s, es: ([name]) => `ya existe un token llamado '${name}'` },
  fixed(
    'choose another name (a revoked token keeps its name, so that the audit log stays unambiguous)',
    'elija otro nombre (un token revocado conserva su nombre, para que la bitácora de auditoría no sea ambigua)',
  ),
  { en: /^there is no token named '(.*)'$/s, es: ([name]) => `no hay ningún token llamado '${name}'` },
  fixed('list them with `tecsalud-batch tokens list`', 'lístelos con `tecsalud-batch tokens list`'),
  { en: /^the token '(.*)' is already revoked$/s, es: ([name]) => `el token '${name}' ya está revocado` },
  {
    en: /^the database was migrated by a newer version of tecsalud-batch \((.*) unknown to this worker, version (\S+)\); this worker will not process its files$/s,
    es: ([migrations, version]) =>
      `la base de datos fue migrada por una versión más reciente de tecsalud-batch (${migrations}, desconocidas para este worker, versión ${version}); este worker no procesará sus archivos`,
  },
  {
    en: /^the database was migrated by a newer version of tecsalud-batch \((.*) unknown to this one\): this version cannot write to it$/s,
    es: ([migrations]) =>
      `la base de datos fue migrada por una versión más reciente de tecsalud-batch (${migrations}, desconocidas para esta): esta versión no puede escribir en ella`,
  },
  fixed(
    'use the version of tecsalud-batch that migrated it',
    'use la versión de tecsalud-batch que la migró',
  ),
  fixed(
    'install the same version of tecsalud-batch on every worker (and on the machine that enqueues)',
    'instale la misma versión de tecsalud-batch en cada worker (y en la máquina que encola)',
  ),
  fixed('--embedder openai needs an API key', '--embedder openai necesita una clave de API'),
  fixed(
    'set OPENAI_API_KEY (or openai.apiKey in the config file), or OPENAI_BASE_URL for a compatible server',
    'defina OPENAI_API_KEY (u openai.apiKey en el archivo de configuración), u OPENAI_BASE_URL para un servidor compatible',
  ),
  { en: /^--embedder azure needs (.*)$/s, es: ([missing]) => `--embedder azure necesita ${missing}` },
  fixed(
    'set them in the environment, or azure.endpoint / azure.apiKey / azure.deployment in the config file',
    'defínalas en el entorno, o azure.endpoint / azure.apiKey / azure.deployment en el archivo de configuración',
  ),
  fixed(
    'the embedded vector store lives in the SQLite database, but --db points at PostgreSQL',
    'el índice de búsqueda embebido (--vector-store embedded) está en la base de datos SQLite, pero --db apunta a PostgreSQL',
  ),
  fixed(
    'use --vector-store chroma with --chroma-url (or CHROMA_URL), or a SQLite --db',
    'use --vector-store chroma con --chroma-url (o CHROMA_URL), o un --db de SQLite',
  ),
  fixed(
    '--extractor pdftotext needs poppler-utils, which is not installed',
    '--extractor pdftotext necesita poppler-utils, que no está instalado',
  ),
  fixed(
    'install it (Debian: apt-get install poppler-utils), or use the default --extractor pdfium',
    'instálelo (Debian: apt-get install poppler-utils), o use el predeterminado --extractor pdfium',
  ),
  {
    en: /^(pdftotext|tesseract) did not answer within (\S+) s \((.+)\): the machine may be overloaded, or the program hangs$/s,
    es: ([tool, seconds, probe]) =>
      `${tool} no respondió en ${seconds} s (${probe}): la máquina puede estar sobrecargada, o el programa se ha colgado`,
  },
  {
    en: /^check that `(.+)` answers in a shell \(a program on a network disk that stopped answering\?\), or use the default (--\S+ \S+)$/s,
    es: ([probe, fallback]) =>
      `compruebe que \`${probe}\` responde en una terminal (¿un programa en un disco de red que dejó de responder?), o use el predeterminado ${fallback}`,
  },
  {
    en: /^--ocr-engine tesseract needs (.*), which (?:is|are) not installed$/s,
    es: ([missing]) => `--ocr-engine tesseract necesita ${missing}, que no está instalado`,
  },
  {
    en: /^install (?:it|them) \(Debian: apt-get install (.*)\), or use the default --ocr-engine tesseract\.js$/s,
    es: ([packages]) =>
      `instálelo (Debian: apt-get install ${packages}), o use el predeterminado --ocr-engine tesseract.js`,
  },
];

/** The options schemas of ingest and worker (zod), for what the range and choice checks before them let through. */
const NOT = "(?:, not '(.*)')?";
const notInSpanish = (given: string | undefined) => (given ? `, no '${given}'` : '');
const SCHEMA_RULES: readonly RefusalRule[] = [
  fixed(
    '--chunk-overlap must be smaller than --chunk-size',
    '--chunk-overlap debe ser menor que --chunk-size',
  ),
  {
    en: new RegExp(`^(--\\S+) must be one of ([^;]*?)${NOT}$`),
    es: ([flag, list, given]) => `${flag} debe ser uno de ${list}${notInSpanish(given)}`,
  },
  {
    en: new RegExp(`^(--\\S+) must be a whole number from (\\d+) to (\\d+)${NOT}$`),
    es: ([flag, from, to, given]) =>
      `${flag} debe ser un número entero de ${from} a ${to}${notInSpanish(given)}`,
  },
  {
    en: new RegExp(`^(--\\S+) must be a whole number${NOT}$`),
    es: ([flag, given]) => `${flag} debe ser un número entero${notInSpanish(given)}`,
  },
  {
    en: new RegExp(`^(--\\S+) must be a number of (characters|seconds)${NOT}$`),
    es: ([flag, unit, given]) =>
      `${flag} debe ser un número de ${unit === 'seconds' ? 'segundos' : 'caracteres'}${notInSpanish(given)}`,
  },
  {
    en: new RegExp(`^(--\\S+) must be a number between 0 and 1${NOT}$`),
    es: ([flag, given]) => `${flag} debe ser un número entre 0 y 1${notInSpanish(given)}`,
  },
];

export const COMMAND_RULES: readonly RefusalRule[] = [
  ...FOLDER_RULES,
  ...LOCK_RULES,
  ...SESSION_RULES,
  ...PATIENT_RULES,
  ...OTHER_COMMAND_RULES,
  // After search's own --type refusal, which says more than "one of".
  ...SCHEMA_RULES,
];
