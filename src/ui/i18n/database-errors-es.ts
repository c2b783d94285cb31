/**
 * The refusals about the registry database in Spanish (db/: open-database, database-url,
 * database-file-errors, postgres-config, connection-loss; the job queue's need of PostgreSQL), for
 * usage-errors-es. Paths, URLs and the driver's own words stay as they are.
 */
import { fixed, settingInSpanish, type RefusalRule } from './refusal-rules.js';

const CREATED_BY =
  'un registro nuevo se crea con `tecsalud-batch patients import ARCHIVO.csv` (o con `tecsalud-batch ingest CARPETA`)';

export const DATABASE_RULES: readonly RefusalRule[] = [
  { en: /^the database '(.*)' does not exist$/s, es: ([file]) => `la base de datos '${file}' no existe` },
  {
    en: /^check (.+); a new registry is created by `tecsalud-batch patients import FILE\.csv` \(or by `tecsalud-batch ingest DIR`\)$/s,
    es: ([setting]) => `revise ${settingInSpanish(setting!)}; ${CREATED_BY}`,
  },
  {
    en: /^the database '(.*)' is an empty file \(0 bytes\): it holds no registry$/s,
    es: ([file]) => `la base de datos '${file}' es un archivo vacío (0 bytes): no contiene ningún registro`,
  },
  { en: /^the database folder '(.*)' does not exist$/s, es: ([dir]) => `la carpeta de la base de datos '${dir}' no existe` },
  { en: /^create it first, or change (.+)$/s, es: ([setting]) => `créela primero, o cambie ${settingInSpanish(setting!)}` },
  {
    en: /^the database '(.*)' names a folder, not a file$/s,
    es: ([file]) => `la base de datos '${file}' es una carpeta, no un archivo`,
  },
  {
    en: /^give the database file's path in (.+), e\.g\. (.*)$/s,
    es: ([setting, example]) => `indique la ruta del archivo de la base de datos en ${settingInSpanish(setting!)}, p. ej. ${example}`,
  },
  {
    en: /^(.+) is '(.*)', with no database file after it$/s,
    es: ([setting, raw]) => `${settingInSpanish(setting!)} es '${raw}', sin archivo de base de datos después`,
  },
  {
    en: /^write the file's path after it, e\.g\. (.*), or the path alone$/s,
    es: ([example]) => `escriba la ruta del archivo después, p. ej. ${example}, o solo la ruta`,
  },
  {
    en: /^unsupported database URL '(.*)' in (.+)$/s,
    es: ([url, setting]) => `URL de base de datos no admitida '${url}' en ${settingInSpanish(setting!)}`,
  },
  fixed(
    'use a file path, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    'use una ruta de archivo, sqlite:RUTA o postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BASE_DE_DATOS',
  ),
  fixed(
    'give the database: PATH, sqlite:PATH or postgres://…',
    'indique la base de datos: RUTA, sqlite:RUTA o postgres://…',
  ),
  { en: /^'(.*)' is not a SQLite database$/s, es: ([file]) => `'${file}' no es una base de datos SQLite` },
  {
    en: /^check (.+): it names a file of another kind$/s,
    es: ([setting]) => `revise ${settingInSpanish(setting!)}: indica un archivo de otro tipo`,
  },
  { en: /^the database '(.*)' is damaged \((.*)\)$/s, es: ([file, why]) => `la base de datos '${file}' está dañada (${why})` },
  fixed(
    'restore it from a backup, or recover what is readable with `sqlite3 FILE ".recover"` into a new file; ' +
      '`tecsalud-batch patients import` and `ingest` rebuild a registry from its sources',
    'restáurela de un respaldo, o recupere lo legible con `sqlite3 ARCHIVO ".recover"` en un archivo nuevo; ' +
      '`tecsalud-batch patients import` e `ingest` reconstruyen un registro desde sus fuentes',
  ),
  {
    en: /^the database '(.*)' cannot be written: (.*) beside it (?:is|are) read-only$/s,
    es: ([file, stuck]) =>
      `no se puede escribir en la base de datos '${file}': ${stuck!.replace(/' and '/g, "' y '")} junto a ella ${stuck!.includes("' and '") ? 'son' : 'es'} de solo lectura`,
  },
  {
    en: /^make (it|them) writable for the user running tecsalud-batch \(chmod u\+w\), or remove (?:it|them) while no tecsalud-batch runs$/,
    es: ([which]) =>
      which === 'it'
        ? 'permita escribirlo al usuario que ejecuta tecsalud-batch (chmod u+w), o bórrelo mientras no se ejecute tecsalud-batch'
        : 'permita escribirlos al usuario que ejecuta tecsalud-batch (chmod u+w), o bórrelos mientras no se ejecute tecsalud-batch',
  },
  {
    en: /^the database '(.*)' cannot be written: the file or its folder is read-only$/s,
    es: ([file]) => `no se puede escribir en la base de datos '${file}': el archivo o su carpeta son de solo lectura`,
  },
  fixed(
    'let the user running tecsalud-batch write the file and its folder: SQLite writes there (its -wal and -shm files) even for a command that only reads',
    'permita al usuario que ejecuta tecsalud-batch escribir el archivo y su carpeta: SQLite escribe ahí (sus archivos -wal y -shm) incluso para un comando que solo lee',
  ),
  {
    en: /^cannot open the database '(.*)': (.*)$/s,
    es: ([file, why], detail) => `no se puede abrir la base de datos '${file}': ${detail(why!)}`,
  },
  {
    en: /^check that the path is a file the user running tecsalud-batch may read and write, in a folder it may write, or change (.+)$/s,
    es: ([setting]) =>
      `compruebe que la ruta sea un archivo que el usuario que ejecuta tecsalud-batch pueda leer y escribir, en una carpeta donde pueda escribir, o cambie ${settingInSpanish(setting!)}`,
  },
  {
    en: /^check the path and its permissions, or change (.+)$/s,
    es: ([setting]) => `revise la ruta y sus permisos, o cambie ${settingInSpanish(setting!)}`,
  },
  {
    en: /^cannot use the database (.+?): (.*)$/s,
    es: ([target, why], detail) => `no se puede usar la base de datos ${target}: ${detail(why!)}`,
  },
  {
    en: /^database migration (?:'(.*)' )?failed: (.*)$/s,
    es: ([name, why]) => `falló la migración de la base de datos${name ? ` '${name}'` : ''}: ${why}`,
  },
  // postgres-config and connection-loss
  { en: /^(.+) is not a valid postgres:\/\/ URL$/s, es: ([setting]) => `${settingInSpanish(setting!)} no es una URL postgres:// válida` },
  fixed(
    'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, with special characters in the password %-encoded',
    'escríbala como postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BASE_DE_DATOS, con los caracteres especiales de la contraseña codificados con %',
  ),
  {
    en: /^cannot read the TLS file '(.*)' named in the database URL: (.*)$/s,
    es: ([file, why], detail) => `no se puede leer el archivo TLS '${file}' indicado en la URL de la base de datos: ${detail(why!)}`,
  },
  fixed(
    'check sslrootcert, sslcert and sslkey in the postgres:// URL: each must be a file this user can read',
    'revise sslrootcert, sslcert y sslkey en la URL postgres://: cada uno debe ser un archivo que este usuario pueda leer',
  ),
  {
    en: /^the database URL's TLS settings cannot be used: (.*)$/s,
    es: ([why]) => `no se pueden usar los ajustes TLS de la URL de la base de datos: ${why}`,
  },
  fixed(
    'sslmode=verify-ca needs sslrootcert=CA.pem; or use sslmode=require (encrypted, not verified) or verify-full',
    'sslmode=verify-ca necesita sslrootcert=CA.pem; o use sslmode=require (cifrado, sin verificar) o verify-full',
  ),
  {
    en: /^cannot reach the PostgreSQL database (\S+): (.*)$/s,
    es: ([target, why]) => `no se puede conectar con la base de datos PostgreSQL ${target}: ${why}`,
  },
  fixed(
    'check that the server is running and the URL, user and password are right',
    'compruebe que el servidor esté en marcha y que la URL, el usuario y la contraseña sean correctos',
  ),
  fixed(
    "the server's TLS certificate was not accepted: give the CA that signed it as sslrootcert=CA.pem in the URL, " +
      'and name the host as the certificate does (sslmode=require encrypts without checking: not for a network you do not trust)',
    'no se aceptó el certificado TLS del servidor: indique la CA que lo firmó como sslrootcert=CA.pem en la URL, ' +
      'y nombre el servidor como lo hace el certificado (sslmode=require cifra sin verificar: no para una red en la que no confía)',
  ),
  {
    en: /^lost the connection to the PostgreSQL database (\S+): (.*)$/s,
    es: ([target, why]) => `se perdió la conexión con la base de datos PostgreSQL ${target}: ${why}`,
  },
  fixed(
    'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
      'run the same command again once it is back: files not done are taken up then',
    'revise el servidor (un reinicio, un apagado, un administrador que cerró sesiones, idle_session_timeout); ' +
      'ejecute el mismo comando cuando vuelva: entonces se retoman los archivos pendientes',
  ),
  // The job queue lives in PostgreSQL (queue/job-queue, app/queue-database).
  fixed(
    'the job queue needs a PostgreSQL database, and this one is SQLite',
    'la cola de trabajos necesita una base de datos PostgreSQL, y esta es SQLite',
  ),
  fixed(
    'point --db (or TECSALUD_DB) at postgres://…; with SQLite, run `tecsalud-batch ingest DIR` without --enqueue',
    'apunte --db (o TECSALUD_DB) a postgres://…; con SQLite, ejecute `tecsalud-batch ingest CARPETA` sin --enqueue',
  ),
  {
    en: /^(.+) needs the job queue, which lives in PostgreSQL; the database is SQLite \((.*)\)$/s,
    es: ([what, target]) => `${what} necesita la cola de trabajos, que está en PostgreSQL; la base de datos es SQLite (${target})`,
  },
  {
    en: /^point (.+) at postgres:\/\/USER:PASSWORD@HOST:PORT\/DB; with SQLite, run `tecsalud-batch ingest DIR` \(one process does the whole folder\)$/s,
    es: ([setting]) =>
      `apunte ${settingInSpanish(setting!)} a postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BD; con SQLite, ejecute \`tecsalud-batch ingest CARPETA\` (un solo proceso hace toda la carpeta)`,
  },
];
