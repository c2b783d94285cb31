/**
 * `--help` in Spanish: every English text of the help (commander's own, the commands' descriptions, their
 * arguments and options, the notes and examples after them) and its Spanish, keyed by the English exactly as
 * it is declared. A text edited in English loses its Spanish here on purpose: the help test reads every
 * command's Spanish help and names each text without an entry. Flags, choices, defaults, environment variables,
 * config keys and command lines stay as they are typed.
 */
const HELP_ES: Readonly<Record<string, string>> = {
  // commander's own words, and the texts of the program.
  'show help': 'muestra la ayuda',
  'print the version': 'muestra la versión',
  'display help for command': 'muestra la ayuda de un comando',
  'Example:': 'Ejemplo:',
  'Examples:': 'Ejemplos:',
  'Exit codes:': 'Códigos de salida:',
  success: 'correcto',
  "success, but some files wait for an admin's review":
    'correcto, pero algunos archivos esperan revisión de un administrador',
  'some files failed (the others were processed)': 'algunos archivos fallaron (los demás se procesaron)',
  'usage or configuration error': 'error de uso o de configuración',
  "a required service (database, vector store, embedder) is unavailable,\nor the database's disk is full or failing":
    'un servicio necesario (base de datos, índice de búsqueda, modelo de búsqueda)\n' +
    'no está disponible, o el disco de la base de datos está lleno o fallando',
  'internal error (a bug: please report it)': 'error interno (un defecto del programa: por favor repórtelo)',
  'the work is done, but its output could not be written (a full disk under stdout)':
    'el trabajo está hecho, pero su salida no se pudo escribir\n(un disco lleno bajo stdout)',
  'locked: another run is processing the same directory and database,\nor another program kept the database locked':
    'bloqueado: otra ejecución está procesando la misma carpeta y base de datos,\n' +
    'u otro programa mantuvo bloqueada la base de datos',
  'interrupted (Ctrl-C)': 'interrumpido (Ctrl-C)',
  'Bulk ingestion of TecSalud medical PDFs into the patient registry and the vector store.':
    'Ingesta masiva de PDF médicos de TecSalud al registro de pacientes y al índice de búsqueda.',

  // Options shared by many commands.
  'print machine-readable JSON on stdout': 'escribe JSON legible por programas en stdout',
  'language of the screens: es or en (default: from LC_ALL / LANG)':
    'idioma de las pantallas: es o en (predeterminado: según LC_ALL / LANG)',
  'patient registry database: PATH, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB (env TECSALUD_DB; default ./tecsalud-batch.db)':
    'base de datos del registro de pacientes: RUTA, sqlite:RUTA o postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BD ' +
    '(variable TECSALUD_DB; predeterminado ./tecsalud-batch.db)',
  'config file (default ./tecsalud-batch.config.json when present)':
    'archivo de configuración (predeterminado ./tecsalud-batch.config.json cuando existe)',
  'embedded (sqlite-vec in the SQLite database) or chroma (env TECSALUD_VECTOR_STORE)':
    'dónde se guarda el índice de búsqueda: embedded (sqlite-vec dentro de la base de datos SQLite) o chroma ' +
    '(variable TECSALUD_VECTOR_STORE)',
  'Chroma server (env CHROMA_URL; default http://localhost:8000)':
    'servidor de Chroma (variable CHROMA_URL; predeterminado http://localhost:8000)',
  'token for a Chroma server that demands one; other local users can see a flag in the process list, so prefer env CHROMA_AUTH_TOKEN':
    'token para un servidor de Chroma que lo pida; otros usuarios del equipo pueden ver una opción en la lista de ' +
    'procesos, así que es mejor la variable CHROMA_AUTH_TOKEN',
  'hashing (offline, lexical), openai or azure (env TECSALUD_EMBEDDER)':
    'modelo de búsqueda que convierte el texto para buscarlo: hashing (sin conexión, léxico), openai o azure ' +
    '(variable TECSALUD_EMBEDDER)',
  'OpenAI model, or the model behind the Azure deployment (default text-embedding-3-small)':
    'modelo de OpenAI, o el modelo detrás de la implementación de Azure (predeterminado text-embedding-3-small)',
  'shortened vectors (text-embedding-3-*), or the size of another model':
    'vectores acortados (text-embedding-3-*), o el tamaño de otro modelo',
  'pdfium (default), pdf-parse (pure JavaScript, slower) or pdftotext (needs poppler-utils)':
    'pdfium (predeterminado), pdf-parse (JavaScript puro, más lento) o pdftotext (requiere poppler-utils)',
  'OCR scanned pages: auto (pages without a text layer, or scanned under a stamp, letterhead or typed form of text), off, or force (every page) (env TECSALUD_OCR; default auto)':
    'OCR de páginas escaneadas: auto (páginas sin capa de texto, o escaneadas bajo un sello, membrete o formulario impreso), off, o ' +
    'force (todas las páginas) (variable TECSALUD_OCR; predeterminado auto)',
  'tesseract.js (default, needs nothing installed) or tesseract (Debian tesseract-ocr and poppler-utils, faster) (env TECSALUD_OCR_ENGINE)':
    'tesseract.js (predeterminado, no requiere nada instalado) o tesseract (tesseract-ocr y poppler-utils de ' +
    'Debian, más rápido) (variable TECSALUD_OCR_ENGINE)',
  'mean OCR word confidence (0-1) below which an ingested file is flagged low_ocr_confidence (default 0.7)':
    'confianza media por palabra del OCR (0-1) por debajo de la cual un archivo ingresado se marca ' +
    'low_ocr_confidence (predeterminado 0.7)',
  "attach a file the filename alone would send to review when the document's own expediente and full name identify one registry patient and the filename's name agrees (audited content_confirmed; config key trustContent; default off)":
    'asigna un archivo que por el nombre de archivo iría a revisión cuando el expediente y el nombre completo ' +
    'escritos en el propio documento identifican a un paciente del registro y el nombre del archivo coincide ' +
    '(auditado como content_confirmed; clave de configuración trustContent; desactivado por omisión)',
  'do not, whatever the config file says': 'no lo hace, diga lo que diga el archivo de configuración',
  'vector collection (default medical_documents)':
    'colección del índice de búsqueda (predeterminada medical_documents)',
  'files in flight at once; extraction runs in min(n, cores, 10) processes (default: 2 × min(cores, 10))':
    'archivos en curso a la vez; la extracción corre en min(n, núcleos, 10) procesos (predeterminado: 2 × min(núcleos, 10))',
  'largest file accepted, e.g. 10MB (default 10MB)':
    'archivo más grande que se acepta, p. ej. 10MB (predeterminado 10MB)',
  'characters per chunk (default 1000)': 'caracteres por fragmento (predeterminado 1000)',
  'characters shared by consecutive chunks (default 200)':
    'caracteres que comparten dos fragmentos consecutivos (predeterminado 200)',
  'files written together: one vector-store call and one database transaction (default 32)':
    'archivos que se escriben juntos: una llamada al índice de búsqueda y una transacción de la base de datos ' +
    '(predeterminado 32)',
  'confidence at or above which a match is attached automatically (default 0.95)':
    'confianza a partir de la cual una coincidencia se asigna automáticamente (predeterminado 0.95)',
  'confidence at or above which a match goes to review, below it a new patient (default 0.60)':
    'confianza a partir de la cual una coincidencia va a revisión; por debajo, paciente nuevo (predeterminado 0.60)',
  'per-file text-extraction limit (default 60)':
    'límite de extracción de texto por archivo, en segundos (predeterminado 60)',
  "structured JSON logs (pino), owner-only, reopened on SIGHUP; '-' for stderr":
    "bitácora estructurada en JSON (pino), solo para el propietario, reabierta con SIGHUP; '-' para stderr",
  'keep patient names out of the log (the default: expediente and content hash identify files)':
    'deja los nombres de pacientes fuera del registro (lo predeterminado: el expediente y el hash del contenido ' +
    'identifican los archivos)',
  'let the log name files and patients (for a log only its readers may see)':
    'permite que el registro nombre archivos y pacientes (para un registro que solo ven sus lectores)',

  // parse
  'Parse filenames of the form [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf and explain any that do not fit.':
    'Interpreta nombres de archivo de la forma [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf y explica ' +
    'los que no se ajustan.',
  'parse TecSalud filenames into expediente, names, numero and document type':
    'interpreta nombres de archivo de TecSalud: expediente, nombres, número y tipo de documento',
  'one or more filenames (paths are fine: only the base name is parsed)':
    'uno o más nombres de archivo (se aceptan rutas: solo se interpreta el nombre final)',
  'Document types (TIPO, any case; another code is filed as other):':
    'Tipos de documento (TIPO, en mayúsculas o minúsculas; otro código se archiva como other):',

  // patients
  'Manage the patient registry used for matching.':
    'Administra el registro de pacientes con el que se asignan los documentos.',
  'import, list, show and search the patient registry':
    'importa, lista, muestra y busca en el registro de pacientes',
  'Import patients from CSV. Columns: expediente, apellido_paterno, apellido_materno, nombres [, fecha_nacimiento, sexo] — or expediente, nombre_completo ("APELLIDOS, NOMBRES"). Re-importing the same file is idempotent.':
    'Importa pacientes desde un CSV. Columnas: expediente, apellido_paterno, apellido_materno, nombres ' +
    '[, fecha_nacimiento, sexo] — o expediente, nombre_completo ("APELLIDOS, NOMBRES"). Importar de nuevo el ' +
    'mismo archivo no cambia nada.',
  'import (upsert by expediente) patients from a CSV file':
    'importa pacientes desde un archivo CSV (inserta o actualiza por expediente)',
  'CSV file (UTF-8, with or without BOM; see --encoding)':
    'archivo CSV (UTF-8, con o sin BOM; vea --encoding)',
  'the file\'s encoding: utf-8 (default), or windows-1252 / latin1 for Excel\'s plain "CSV" export':
    'codificación del archivo: utf-8 (predeterminada), o windows-1252 / latin1 para la exportación "CSV" simple de Excel',
  'write rows that change the name of a patient who already has documents (refused otherwise; audited)':
    'escribe las filas que cambian el nombre de un paciente que ya tiene documentos (si no, se rechazan; queda en la auditoría)',
  'the same for these expedientes only (comma-separated): the renames checked one by one, the others still refused':
    'lo mismo solo para estos expedientes (separados por comas): los cambios de nombre revisados uno por uno; los demás se siguen rechazando',
  'show what the import would do, with the same report, and write nothing (not even a new database)':
    'muestra lo que haría la importación, con el mismo informe, sin escribir nada (ni siquiera una base de datos nueva)',
  'true with --dry-run: the counts are what the import would do; nothing was written':
    'true con --dry-run: los conteos son lo que haría la importación; no se escribió nada',
  'who imports, for the audit log (default: the OS user)':
    'quién importa, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  'The report:': 'El informe:',
  'first, the rows read: inserted + updated + unchanged + repeated + rejected (they always add up)':
    'primero, las filas leídas: insertadas + actualizadas + sin cambios + repetidas + rechazadas (siempre suman el total)',
  'columns not read: header columns the import ignores (their data was not imported)':
    'columnas no leídas: columnas del encabezado que la importación no lee (sus datos no se importaron)',
  'patients of the registry not in this file: kept (an import never deletes patients)':
    'pacientes del registro que no están en este archivo: se conservan (una importación nunca borra pacientes)',
  'patients with documents renamed: renames written with --allow-rename or --allow-rename-of (audited)':
    'pacientes con documentos renombrados: cambios de nombre escritos con --allow-rename o --allow-rename-of (quedan en la auditoría)',
  'patients created by an ingest or a review that now have their registry row (counted as updated; audited)':
    'pacientes creados por una ingesta o una revisión que tienen ahora su fila del registro (se cuentan como actualizadas; quedan en la auditoría)',
  'line N: the birth date or sex changed of a patient who has documents (written; audited)':
    'línea N: la fecha de nacimiento o el sexo que cambió de un paciente que tiene documentos (escrito; queda en la auditoría)',
  'expediente A (added) and expediente B both name …, born …: one person with two expedientes, or namesakes':
    'el expediente A (nuevo) y el expediente B nombran ambos a …, con fecha de nacimiento …: una persona con dos expedientes, u homónimos',
  'line N: the same as line M; skipped (a repeated row, counted as repeated)':
    'línea N: igual que la línea M; omitida (una fila repetida, contada como repetida)',
  "line N: a rejected row and why: an unreadable row or field; another row of its expediente with other data; the registry's expediente or an earlier line's with other leading zeros; a refused rename (exit code 3)":
    'línea N: una fila rechazada y por qué: una fila o un campo ilegible; otra fila de su expediente con otros datos; ' +
    'el expediente del registro o el de una línea anterior con otros ceros a la izquierda; un cambio de nombre rechazado (código de salida 3)',
  'a list stops at 1,000 entries: "… and N more"': 'una lista se detiene en 1,000 entradas: "… y N más"',
  'With --json:': 'Con --json:',
  "the first line's counts (duplicates: repeated)": 'los conteos de la primera línea (duplicates: repetidas)',
  'renames of patients with documents written, and refused (also in rejected)':
    'cambios de nombre de pacientes con documentos escritos, y rechazados (también en rejected)',
  'the counts of those lines': 'los conteos de esas líneas',
  'line, expediente, documents, before and after (fecha_nacimiento, sexo)':
    'línea (line), expediente, documentos (documents), antes y después (before, after: fecha_nacimiento, sexo)',
  'expediente, other_expediente, name, fecha_nacimiento (more_same_details: the list stopped)':
    'expediente, other_expediente, nombre (name), fecha_nacimiento (more_same_details: la lista se detuvo)',
  'line and first_line; line and reason (in English)':
    'line y first_line; line y el motivo, reason (en inglés)',
  'the file read, its encoding, split or nombre_completo, the columns not read, the time taken':
    'el archivo leído, su codificación, split o nombre_completo, las columnas no leídas, el tiempo que tomó',
  'list patients': 'lista pacientes',
  'how many to show': 'cuántos mostrar',
  'how many to skip': 'cuántos saltar',
  'show one patient by expediente': 'muestra un paciente por su expediente',
  'find patients by words of the name, in any order, or digits of the expediente':
    'busca pacientes por palabras del nombre, en cualquier orden, o por dígitos del expediente',
  'e.g. "GARZA TIJERINA", "MARIA GARZA" or "GARZA TIJERINA, MARIA"; digits search expedientes':
    'p. ej. "GARZA TIJERINA", "MARIA GARZA" o "GARZA TIJERINA, MARIA"; los dígitos buscan expedientes',

  // ingest
  'Walk DIR recursively and run every file through parse → match patient → extract text → chunk → embed and/or store. Every file ends in a recorded state with a reason; re-running is safe.':
    'Recorre DIR con sus subcarpetas y pasa cada archivo por interpretar → asignar paciente → extraer texto → ' +
    'fragmentar → indexar para búsqueda y/o guardar. Cada archivo termina en un estado registrado con su motivo; ' +
    'ejecutarlo de nuevo es seguro.',
  'ingest a folder of TecSalud PDFs: parse, match, extract, chunk, embed and store':
    'ingresa una carpeta de PDF de TecSalud: interpreta, asigna, extrae, fragmenta, indexa y guarda',
  'folder with the PDFs': 'carpeta con los PDF',
  'processing type: vectorized (vectors only), complete (full text only) or both':
    'tipo de procesamiento: vectorized (solo índice de búsqueda), complete (solo texto completo) o both (ambos)',
  'who uploads the batch, for the audit log (default: the OS user)':
    'quién sube el lote, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  "only files matching this pattern, relative to DIR (default '**/*')":
    "solo los archivos que coinciden con este patrón, relativo a DIR (predeterminado '**/*')",
  'take hidden and system entries (.snapshot/, .Trash-1000/, @eaDir/, .DS_Store, Thumbs.db) as any other; by default they are skipped and counted (config includeHidden)':
    'toma las entradas ocultas y de sistema (.snapshot/, .Trash-1000/, @eaDir/, .DS_Store, Thumbs.db) como ' +
    'cualquier otra; por omisión se omiten y se cuentan (configuración includeHidden)',
  'skip them even when the config file says includeHidden':
    'las omite aunque el archivo de configuración diga includeHidden',
  'most files that need work per run (files done, duplicates, files waiting for review do not count); the rest wait for the next run (default 1000)':
    'máximo de archivos con trabajo pendiente por ejecución (no cuentan los terminados, los duplicados ni los ' +
    'que esperan revisión); el resto espera a la siguiente ejecución (predeterminado 1000)',
  'chunks per request to a remote embedder, gathered across files (config embedding.batchSize; default 256)':
    'fragmentos por solicitud a un modelo de búsqueda remoto (openai, azure), reunidos de varios archivos (configuración ' +
    'embedding.batchSize; predeterminado 256)',
  're-ingest content that was already ingested, replacing its chunks':
    'ingresa de nuevo el contenido ya ingresado, reemplazando sus fragmentos',
  'show the parse and match plan, and the files that would fail the checks made before matching (name, size, permissions, first bytes; contents are not read: damaged or password-protected PDFs show up in the run); write nothing':
    'muestra el plan de interpretación y asignación, y los archivos que fallarían las revisiones previas a la asignación (nombre, tamaño, permisos, primeros bytes; el contenido no se lee: los PDF dañados o protegidos con contraseña aparecen en la ejecución); no escribe nada',
  'register the session and put one job per file on the job queue (PostgreSQL), then return: `tecsalud-batch worker` processes them (--max-files does not apply); exits 3 or 2 as a run does when files settled as found failed or wait for review, never for the files queued':
    'registra la sesión y pone una tarea por archivo en la cola de tareas (PostgreSQL), y termina: ' +
    '`tecsalud-batch worker` las procesa (--max-files no aplica); sale con 3 o 2 como una ejecución cuando ' +
    'archivos resueltos al encontrarlos fallaron o esperan revisión, nunca por los archivos encolados',
  'never prompt: reviews stay pending for `tecsalud-batch review`':
    'nunca pregunta: las revisiones quedan pendientes para `tecsalud-batch review`',
  'no progress or summary output (errors still go to stderr)':
    'sin progreso ni resumen en la salida (los errores siguen yendo a stderr)',
  'move each ingested (or already ingested) file here, keeping its relative path':
    'mueve aquí cada archivo ingresado (o ya ingresado antes), conservando su ruta relativa',
  'move each file that failed validation here, keeping its relative path':
    'mueve aquí cada archivo que no pasó la validación, conservando su ruta relativa',
  'a file that changes while it is read, or a PDF cut short or empty, changed less than this long ago and still growing when watched 2 s, is still being copied in: left for the next run, not failed (0 turns the time check off; default 60)':
    'un archivo que cambia mientras se lee, o un PDF incompleto o vacío, modificado hace menos de estos segundos y que ' +
    'sigue creciendo al observarlo 2 s, todavía se está copiando: queda para la siguiente ejecución, sin ' +
    'fallar (0 desactiva la comprobación de tiempo; predeterminado 60)',

  // worker
  'Take file jobs from the job queue (PostgreSQL) and run each file through the ingest pipeline: the same steps, outcomes and writes as `ingest`. Any number of workers on any number of machines that see the files at the same path share the sessions queued with `ingest DIR --enqueue`.':
    'Toma tareas de archivo de la cola de tareas (PostgreSQL) y pasa cada archivo por el proceso de ingesta: los ' +
    'mismos pasos, resultados y escrituras que `ingest`. Cualquier número de workers, en cualquier número de ' +
    'equipos que vean los archivos en la misma ruta, se reparten las sesiones encoladas con `ingest DIR --enqueue`.',
  'take file jobs from the job queue (PostgreSQL) and ingest them; run many, on many machines':
    'toma tareas de archivo de la cola (PostgreSQL) y procesa sus archivos; se pueden correr varios, en varios equipos',
  'exit once the queue holds no job (queued, retrying or running): for cron, scripts and tests; a backend still down after queue.untilIdleOutageSeconds (default 120) stops it with 69, failing no file':
    'termina cuando la cola no tiene tareas (en espera, por reintentar o en curso): para cron, scripts y pruebas; ' +
    'un servicio que sigue caído tras queue.untilIdleOutageSeconds (120 por omisión) lo detiene con 69, sin dar ' +
    'ningún archivo por fallido',
  'after this long without finishing, a job is taken for abandoned (its worker died) and retried by another worker; keep it above the longest a file may take (default 900)':
    'tras estos segundos sin terminar, una tarea se da por abandonada (su worker murió) y otro worker la ' +
    'reintenta; manténgalo por encima de lo más que pueda tardar un archivo (predeterminado 900)',
  'print nothing but errors': 'no escribe nada más que los errores',
  'SIGTERM or Ctrl-C: the files in flight finish, no new job is taken, then the worker exits (130);\na second one exits at once (the jobs in flight are retried by another worker after --job-timeout).':
    'SIGTERM o Ctrl-C: los archivos en curso terminan, no se toman tareas nuevas y el worker sale (130);\n' +
    'un segundo sale de inmediato (otro worker reintenta las tareas en curso tras --job-timeout).',

  // review
  'Walk the review-required files one by one in the terminal: the parsed filename, the candidate patients with their scores and reasons, and the first lines of the text. Keys: 1-9 attach, n new patient, r reject, s skip, u undo, ? help, q quit (decisions so far are kept). Without a terminal, or with --json, lists the pending reviews. A rejected file stays rejected on later runs (by its content) until `review --reopen ID`.':
    'Recorre en la terminal, uno por uno, los archivos que requieren revisión: el nombre de archivo ' +
    'interpretado, los pacientes candidatos con su puntuación y sus motivos, y las primeras líneas del texto. ' +
    'Teclas: 1-9 asignar, n paciente nuevo, r rechazar, s omitir, u deshacer, ? ayuda, q salir (las decisiones ' +
    'tomadas se conservan). Sin terminal, o con --json, lista las revisiones pendientes. Un archivo rechazado ' +
    'sigue rechazado en ejecuciones posteriores (por su contenido) hasta `review --reopen ID`.',
  'settle the files waiting for review: attach, new patient, reject (interactive)':
    'resuelve los archivos en espera de revisión: asignar, paciente nuevo, rechazar (interactivo)',
  'session id or its first characters (default: every session)':
    'id de la sesión o sus primeros caracteres (predeterminado: todas las sesiones)',
  'who reviews, for the audit log (default: the OS user)':
    'quién revisa, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  'list the pending reviews as JSON on stdout (no interaction)':
    'lista las revisiones pendientes en JSON en stdout (sin interacción)',
  'vector collection (default: the one the session was ingested into)':
    'colección del índice de búsqueda (predeterminada: aquella en la que se ingirió la sesión)',
  'lift a rejection: a rejected file id, or the first characters of its content hash':
    'levanta un rechazo: el id de un archivo rechazado, o los primeros caracteres del hash de su contenido',
  [`Exit codes: 0 every file would be matched (auto, review or new), 3 a filename cannot be read or a file would fail in the run, 64 usage error.`]:
    'Códigos de salida: 0 cada archivo se asignaría (automático, revisión o nuevo), 3 un nombre de archivo no se puede leer o un archivo fallaría en la ejecución, 64 error de uso.',
  [`Exit codes: 0 no reviews left pending, 2 some still pending, 130 ended by Ctrl-C (decisions so far are kept).`]:
    'Códigos de salida: 0 no quedan revisiones pendientes, 2 algunas siguen pendientes, 130 terminada con Ctrl-C (las decisiones tomadas se conservan).',

  // documents
  'Correct where an ingested document went: move it to another patient, or send it back to review.':
    'Corrige a dónde fue un documento ingresado: moverlo a otro paciente, o devolverlo a revisión.',
  'move a document to another patient, or detach it back to review':
    'mueve un documento a otro paciente, o lo desvincula y lo devuelve a revisión',
  "move a document (and its vectors) to another patient's expediente":
    'mueve un documento (y sus fragmentos del índice de búsqueda) al expediente de otro paciente',
  'document id, or its first characters (as `patients show` prints it)':
    'id del documento, o sus primeros caracteres (como lo muestra `patients show`)',
  'the patient it belongs to': 'el paciente al que pertenece',
  'who moves it, for the audit log (default: the OS user)':
    'quién lo mueve, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  'vector collection (default: the one its session was ingested into)':
    'colección del índice de búsqueda (predeterminada: aquella en la que se ingirió su sesión)',
  'take a document off its patient: its file waits for review again, in its session':
    'desvincula un documento de su paciente: su archivo espera revisión de nuevo, en su sesión',
  'who detaches it, for the audit log (default: the OS user)':
    'quién lo desvincula, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  'why it goes back to review (the reviewer reads it there)':
    'por qué vuelve a revisión (quien revisa lo lee ahí)',

  // match
  'explain how filenames would match against the current registry':
    'explica cómo se asignarían nombres de archivo con el registro actual',
  'TecSalud filenames, or PDFs on disk (whose text is read and cross-checked too)':
    'nombres de archivo de TecSalud, o PDF en disco (cuyo texto también se lee y se coteja)',
  'auto-assign threshold (default 0.95)': 'umbral de asignación automática (predeterminado 0.95)',
  'review threshold (default 0.60)': 'umbral de revisión (predeterminado 0.60)',
  'do not read the PDF: judge the filename alone': 'no lee el PDF: juzga solo por el nombre del archivo',

  // status, sessions, processing-types, cleanup
  'show a session (the latest when none is given)':
    'muestra una sesión (la más reciente si no se indica ninguna)',
  'session id or its first characters': 'id de la sesión o sus primeros caracteres',
  'list every file with its outcome': 'lista cada archivo con su resultado',
  'list recent sessions': 'lista las sesiones recientes',
  'how many': 'cuántas',
  'list the processing types (vectorized, complete, both)':
    'lista los tipos de procesamiento (vectorized, complete, both)',
  "remove a session's working state (documents are kept unless --purge)":
    'quita el estado de trabajo de una sesión (los documentos se conservan salvo con --purge)',
  'every finished session older than this, e.g. 7d (the service keeps 7 days)':
    'todas las sesiones terminadas de hace más de esto, p. ej. 7d (el servicio conserva 7 días)',
  'delete the chunks of documents the registry no longer holds (search leaves them out), and stale copies of documents filed in another collection (doctor names them); never while a session is being processed, nor those a file not yet final may still be storing; --collection picks the collection':
    'borra los fragmentos de documentos que el registro ya no tiene (la búsqueda los omite), y las copias viejas de ' +
    'documentos guardados en otra colección (doctor las señala); nunca mientras se procesa ' +
    'una sesión, ni los que un archivo aún sin terminar todavía puede estar guardando; --collection elige la colección',
  "also delete the session's ingested documents and their vectors":
    'borra también los documentos ingresados de la sesión y sus fragmentos del índice de búsqueda',
  'with --purge: delete documents still within the legal retention (NOM-004-SSA3: 5 years; config retentionYears)':
    'con --purge: borra documentos aún dentro del plazo legal de conservación (NOM-004-SSA3: 5 años; ' +
    'configuración retentionYears)',
  "with --older-than: also discard the HTTP API's sessions nobody processed, with their uploads, once no file was uploaded into them for this long, as serve does (off: keep them; default 72h; config serve.sessionExpiry)":
    'con --older-than: descarta también las sesiones de la API HTTP que nadie procesó, con sus archivos subidos, ' +
    'cuando no recibieron ningún archivo durante este tiempo, como lo hace serve (off: se conservan; predeterminado ' +
    '72h; configuración serve.sessionExpiry)',
  'who cleans up, for the audit log': 'quién limpia, para la bitácora de auditoría',
  'vector collection to purge from (default: the one the session was ingested into)':
    'colección del índice de búsqueda de la que purgar (predeterminada: aquella en la que se ingirió la sesión)',
  'e.g. nightly from cron; also expires API sessions nobody processed':
    'p. ej. cada noche desde cron; también hace caducar las sesiones de la API que nadie procesó',
  'chunks of documents the registry no longer holds; refused while a session is processed':
    'fragmentos de documentos que el registro ya no tiene; se rechaza mientras se procesa una sesión',
  'refused for documents within the retention period unless --force':
    'se rechaza para documentos dentro del plazo de conservación, salvo con --force',

  // search
  'search the ingested documents (vector store) for a text':
    'busca un texto en los documentos ingresados (índice de búsqueda)',
  'what to look for': 'qué buscar',
  "only this patient's documents": 'solo los documentos de este paciente',
  'only this document type (consultation, lab_results, …, or a filename code: CONS, LAB, RX…)':
    'solo este tipo de documento (consultation, lab_results, …, o un código del nombre de archivo: CONS, LAB, RX…)',
  'how many chunks': 'cuántos fragmentos',

  // serve
  'Serve the hospital batch service’s HTTP API (create a session, upload, process, status, review, cleanup, discard) over the same pipeline, database and vector store as `ingest`. Clients send a bearer token (`tecsalud-batch tokens create`). OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.':
    'Sirve la API HTTP del servicio de lotes del hospital (crear una sesión, subir, procesar, estado, revisión, ' +
    'limpieza, descartar) sobre el mismo proceso, base de datos e índice de búsqueda que `ingest`. Los clientes envían un ' +
    'token bearer (`tecsalud-batch tokens create`). OpenAPI en /api/v1/openapi.json, documentación en /api/v1/docs.',
  'serve the HTTP API (sessions, uploads, processing, status, review) over the same pipeline':
    'sirve la API HTTP (sesiones, subidas, procesamiento, estado, revisión) sobre el mismo proceso',
  'port to listen on (default 8000; config serve.port)':
    'puerto en el que escucha (predeterminado 8000; configuración serve.port)',
  'address to listen on (default 127.0.0.1; config serve.host)':
    'dirección en la que escucha (predeterminada 127.0.0.1; configuración serve.host)',
  'where uploaded PDFs are kept, one owner-only folder per session (default ./tecsalud-uploads)':
    'dónde se guardan los PDF subidos, una carpeta solo para el propietario por sesión (predeterminado ./tecsalud-uploads)',
  'files a session takes (default 1000, as the service)':
    'archivos que admite una sesión (predeterminado 1000, como el servicio)',
  'discard a session nobody processed, with its uploads, once no file was uploaded into it for this long (e.g. 24h, 3d; off: keep it until processed or discarded; default 72h; config serve.sessionExpiry)':
    'descarta una sesión que nadie procesó, con sus archivos subidos, cuando no recibió ningún archivo durante este ' +
    'tiempo (p. ej. 24h, 3d; off: se conserva hasta procesarla o descartarla; predeterminado 72h; configuración ' +
    'serve.sessionExpiry)',
  'origins a browser may call the API from, e.g. https://intranet.hospital.local (default none)':
    'orígenes desde los que un navegador puede llamar a la API, p. ej. https://intranet.hospital.local (predeterminado: ninguno)',
  'requests a minute per token, per client address without one (401s included); 0: no limit (default 600)':
    'solicitudes por minuto por token, o por dirección del cliente si no lo trae (401 incluidos); 0: sin límite ' +
    '(predeterminado 600)',
  'behind a reverse proxy: take the client’s address from X-Forwarded-For (the proxy’s addresses, comma-separated)':
    'detrás de un proxy inverso: toma la dirección del cliente de X-Forwarded-For (las direcciones del proxy, ' +
    'separadas por comas)',
  'accept calls without a token (only when listening on a loopback address)':
    'acepta llamadas sin token (solo al escuchar en una dirección loopback)',
  "request and processing logs (JSON lines), patient names kept out, owner-only, reopened on SIGHUP; '-' for stderr (without it, stderr has lines for people only: the server's warnings and errors)":
    'bitácora de solicitudes y de procesamiento (líneas JSON), sin nombres de pacientes, solo para el ' +
    "propietario, reabierta con SIGHUP; '-' para stderr (sin esta opción, stderr solo tiene líneas para personas: " +
    'los avisos y errores del servidor)',
  'log only warnings and errors': 'registra solo avisos y errores',
  'once listening, print one JSON line on stdout: url, port (the one bound, with --port 0), api, docs, openapi, pid, auth, active_tokens, resumed_sessions, swept_uploads, expired_sessions, session_expiry_minutes (0: off); the other lines go to stderr':
    'una vez escuchando, escribe una línea JSON en stdout: url, port (el puerto tomado, con --port 0), api, docs, ' +
    'openapi, pid, auth, active_tokens, resumed_sessions, swept_uploads, expired_sessions, session_expiry_minutes ' +
    '(0: desactivada); las demás líneas van a stderr',
  'chunks per embedder call (default 256)':
    'fragmentos por llamada al modelo de búsqueda (predeterminado 256)',
  'loopback only: trying the API on this machine': 'solo loopback: para probar la API en este equipo',

  // tokens
  'Manage the bearer tokens of the HTTP API (tecsalud-batch serve). Roles: viewer reads; uploader also uploads and processes; admin also decides reviews and cleans up. Only a hash of each token is stored.':
    'Administra los tokens bearer de la API HTTP (tecsalud-batch serve). Roles: viewer consulta; uploader además ' +
    'sube y procesa; admin además decide revisiones y limpia. Solo se guarda un hash de cada token.',
  'create, list and revoke the bearer tokens of the HTTP API':
    'crea, lista y revoca los tokens bearer de la API HTTP',
  'create a token and print it (once: only its hash is stored)':
    'crea un token y lo muestra (una sola vez: solo se guarda su hash)',
  'who or what uses it (the audit log names its calls by it), e.g. frontend':
    'quién o qué lo usa (la bitácora de auditoría nombra sus llamadas así), p. ej. frontend',
  'viewer (reads), uploader (also uploads and processes) or admin (also reviews, cleanup)':
    'viewer (consulta), uploader (además sube y procesa) o admin (además revisa y limpia)',
  'valid for this long, e.g. 90d, 12w, 24h (default: until revoked)':
    'válido por este tiempo, p. ej. 90d, 12w, 24h (predeterminado: hasta que se revoque)',
  'who creates it, for the audit log (default: the OS user)':
    'quién lo crea, para la bitácora de auditoría (predeterminado: el usuario del sistema)',
  'list the tokens: name, role, state, expiry, last use (never the token)':
    'lista los tokens: nombre, rol, estado, caducidad, último uso (nunca el token)',
  'revoke a token: its next call is refused': 'revoca un token: su siguiente llamada se rechaza',
  'the token’s name': 'el nombre del token',
  'who revokes it, for the audit log (default: the OS user)':
    'quién lo revoca, para la bitácora de auditoría (predeterminado: el usuario del sistema)',

  // unlock
  'lift the run lock of a folder whose run is over (e.g. taken on another host)':
    'levanta el bloqueo de ejecución de una carpeta cuya ejecución ya terminó (p. ej. tomado en otro equipo)',
  'the folder whose run lock to lift, as given to `ingest`':
    'la carpeta cuyo bloqueo de ejecución se levanta, tal como se dio a `ingest`',
  'lift a SQLite lock taken on another host, which this machine cannot check: only when no run goes on there':
    'levanta un bloqueo de SQLite tomado en otro equipo, que este equipo no puede comprobar: solo cuando ahí no ' +
    'hay una ejecución en curso',
  'A run lock left by a killed run on this host is taken over by the next run by itself; a lock taken on\nanother host (a container that came back under another host name, a machine that went down) needs a\nperson to say that run is over. A run that still goes on is never unlocked (exit 75).':
    'El bloqueo que deja una ejecución terminada a la fuerza en este equipo lo toma la siguiente por sí\n' +
    'sola; un bloqueo tomado en otro equipo (un contenedor que volvió con otro nombre de equipo, una\n' +
    'máquina que se cayó) necesita que una persona diga que esa ejecución terminó. Una ejecución que\n' +
    'sigue en curso nunca se desbloquea (salida 75).',
  'taken on another host': 'tomado en otro equipo',
  'then: worker': 'después: worker',

  // doctor
  'Checks that the database is reachable and migrated (and whether its connection is encrypted), the vector store reachable and filled by the configured embedder, the embedder answering, the working directory writable, whether pdftotext and the OCR engines can run, and that no other account may read the database, the log, the archive or a config file holding a secret, and that no document move or detach was left unfinished and no document filed as vectorized misses chunks in the vector store or keeps a stale copy in another collection (with the command that settles it); answers within 10 s whatever the servers do. Exits 0 when healthy, 69 when anything fails (64 when only the configuration is wrong: the config file, a setting written wrong, the database file missing or unusable). The database is never created or migrated by it. Secrets are never printed.':
    'Comprueba que la base de datos se alcanza y está migrada (y si su conexión va cifrada), que el índice de ' +
    'búsqueda se alcanza y lo llenó el modelo de búsqueda configurado (--embedder), que el modelo de búsqueda ' +
    'responde, que se puede escribir en ' +
    'el directorio de trabajo, si pdftotext y los motores de OCR pueden correr, y que ninguna otra cuenta puede ' +
    'leer la base de datos, el registro, el archivo histórico ni un archivo de configuración con un secreto, y ' +
    'que ningún traslado o desvinculación de un documento quedó a medias y a ningún documento con fragmentos le ' +
    'faltan en el índice de búsqueda ni le queda una copia vieja en otra colección (con el comando que lo ' +
    'resuelve); ' +
    'responde en 10 s hagan lo que hagan los servidores. Sale con 0 si todo está en orden, 69 si algo falla ' +
    '(64 cuando solo la configuración está mal: el archivo de configuración, un ajuste mal escrito, el archivo ' +
    'de la base de datos ausente o inutilizable). Nunca crea ni migra la ' +
    'base de datos. Nunca muestra secretos.',
  'check the database, vector store, embedder and working directory (health check)':
    'comprueba la base de datos, el índice de búsqueda, el modelo de búsqueda y el directorio de trabajo (chequeo de salud)',
  'answer within this many seconds, whatever the servers do (default 10)':
    'responde en estos segundos, hagan lo que hagan los servidores (predeterminado 10)',
  "the ingest's log: warn when others may read it (and its rotated copies)":
    'el registro de la ingesta: avisa si otros pueden leerlo (y sus copias rotadas)',
  "the ingest's archive folder: warn when others may read it or what it holds":
    'la carpeta de archivo histórico de la ingesta: avisa si otros pueden leerla o leer lo que contiene',
  "the ingest's quarantine folder: the same": 'la carpeta de cuarentena de la ingesta: lo mismo',
};

/**
 * Example command lines with words of a person in them (a reason, a note), as a Spanish speaker would type
 * them; a line not here is shown as it is (flags, paths and ids need no Spanish).
 */
const EXAMPLES_ES: Readonly<Record<string, string>> = {
  "documents detach 1a2b3c4d --user jlopez --reason 'the report names another patient'":
    "documents detach 1a2b3c4d --user jlopez --reason 'el informe nombra a otro paciente'",
};

export function exampleInSpanish(line: string): string {
  return EXAMPLES_ES[line] ?? line;
}

/** English help texts shown in Spanish without an entry above, in this process (the help test reads it). */
const untranslated = new Set<string>();

/** The Spanish of an English help text; the English itself when the table has none (and it is noted). */
export function helpInSpanish(english: string): string {
  const spanish = HELP_ES[english];
  if (spanish !== undefined) return spanish;
  untranslated.add(english);
  return english;
}

export function untranslatedHelp(): ReadonlySet<string> {
  return untranslated;
}
