/**
 * The refusals about the registry database in Spanish (db/: open-database, database-url,
 * database-file-errors, postgres-config, connection-loss; the job queue's need of PostgreSQL), for
 * usage-errors-es. Paths, URLs and the driver's own words stay as they are.
 */
import { SPECIAL_FILE_KINDS_ES } from './file-details-es.js';
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
  {
    en: /^'(.*)' is a SQLite database of another program \(tables: (.*)\), not a tecsalud-batch registry: nothing was changed$/s,
    es: ([file, tables]) =>
      `'${file}' es una base de datos SQLite de otro programa (tablas: ${tables}), no un registro de tecsalud-batch: no se cambió nada`,
  },
  {
    en: /^the database folder '(.*)' does not exist$/s,
    es: ([dir]) => `la carpeta de la base de datos '${dir}' no existe`,
  },
  {
    en: /^create it first, or change (.+)$/s,
    es: ([setting]) => `créela primero, o cambie ${settingInSpanish(setting!)}`,
  },
  {
    en: /^the database '(.*)' names a folder, not a file$/s,
    es: ([file]) => `la base de datos '${file}' es una carpeta, no un archivo`,
  },
  {
    en: /^the database '(.*)' is (a named pipe \(FIFO\)|a socket|a device|a special file), not a file$/s,
    es: ([file, kind]) =>
      `la base de datos '${file}' es ${SPECIAL_FILE_KINDS_ES[kind!] ?? kind}, no un archivo`,
  },
  {
    en: /^give the database file's path in (.+), e\.g\. (.*)$/s,
    es: ([setting, example]) =>
      `indique la ruta del archivo de la base de datos en ${settingInSpanish(setting!)}, p. ej. ${example}`,
  },
  // After the one with its example, which this would swallow.
  {
    en: /^give the database file's path in (.+)$/s,
    es: ([setting]) => `indique la ruta del archivo de la base de datos en ${settingInSpanish(setting!)}`,
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
  {
    en: /^the database '(.*)' is damaged \((.*)\)$/s,
    es: ([file, why]) => `la base de datos '${file}' está dañada (${why})`,
  },
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
    es: ([file]) =>
      `no se puede escribir en la base de datos '${file}': el archivo o su carpeta son de solo lectura`,
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
  {
    en: /^(.+) is not a valid postgres:\/\/ URL$/s,
    es: ([setting]) => `${settingInSpanish(setting!)} no es una URL postgres:// válida`,
  },
  fixed(
    'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, with special characters in the password %-encoded',
    'escríbala como postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BASE_DE_DATOS, con los caracteres especiales de la contraseña codificados con %',
  ),
  {
    en: /^cannot read the TLS file '(.*)' named in the database URL: (.*)$/s,
    es: ([file, why], detail) =>
      `no se puede leer el archivo TLS '${file}' indicado en la URL de la base de datos: ${detail(why!)}`,
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
    es: ([target, why]) =>
      `no se puede conectar con la base de datos PostgreSQL ${target}: ` +
      why!.replace(/^the server did not answer within (\S+) s$/, 'el servidor no respondió en $1 s'),
  },
  fixed(
    'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
      'same command again (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
    'el servidor dejó de responder (detenido, sobrecargado, o se cortó la red hasta él); revíselo y ejecute el mismo ' +
      'comando otra vez (TECSALUD_DB_TIMEOUT fija cuánto esperar, en segundos)',
  ),
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
    es: ([target, why]) =>
      `se perdió la conexión con la base de datos PostgreSQL ${target}: ` +
      why!.replace(/^the server did not answer within (\S+) s$/, 'el servidor no respondió en $1 s'),
  },
  fixed(
    'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
      'same command again: files not done are taken up then (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
    'el servidor dejó de responder (detenido, sobrecargado, o se cortó la red hasta él); revíselo y ejecute el mismo ' +
      'comando otra vez: entonces se retoman los archivos pendientes (TECSALUD_DB_TIMEOUT fija cuánto esperar, en segundos)',
  ),
  fixed(
    'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
      'run the same command again once it is back: files not done are taken up then',
    'revise el servidor (un reinicio, un apagado, un administrador que cerró sesiones, idle_session_timeout); ' +
      'ejecute el mismo comando cuando vuelva: entonces se retoman los archivos pendientes',
  ),
  // The storage under the database refusing writes (storage-errors), and a server turning the connection away
  // (connection-loss's postgresRefusal).
  {
    en: /^the disk holding the database '(.*)' is full$/s,
    es: ([file]) => `el disco que contiene la base de datos '${file}' está lleno`,
  },
  {
    en: /^free space on it \(df -h '(.*)'\) or move the database to a larger disk; then run the same command again: what it had not finished is done then, and nothing is stored twice$/s,
    es: ([dir]) =>
      `libere espacio en él (df -h '${dir}') o mueva la base de datos a un disco más grande; luego ejecute el mismo comando otra vez: ` +
      'entonces se hace lo que quedó sin terminar, y nada se guarda dos veces',
  },
  {
    en: /^the database '(.*)' is locked by another program, which kept a write open for more than (\S+) s$/s,
    es: ([file, seconds]) =>
      `la base de datos '${file}' está bloqueada por otro programa, que mantuvo una escritura abierta más de ${seconds} s`,
  },
  fixed(
    'close what is writing to it (an sqlite3 shell or a database browser left in a transaction, a backup or copy tool), ' +
      'or wait for a large `patients import` to finish; then run the same command again: what it had not finished is done then, and nothing is stored twice',
    'cierre lo que esté escribiendo en ella (una consola sqlite3 o un visor de bases de datos con una transacción abierta, una herramienta de respaldo o copia), ' +
      'o espere a que termine un `patients import` grande; luego ejecute el mismo comando otra vez: entonces se hace lo que quedó sin terminar, y nada se guarda dos veces',
  ),
  {
    en: /^the database '(.*)' could not be read or written: the disk or network share under it failed \((\S+)\)$/s,
    es: ([file, code]) =>
      `no se pudo leer o escribir la base de datos '${file}': falló el disco o la carpeta de red donde está (${code})`,
  },
  {
    en: /^check the disk \(dmesg, df -h '(.*)'\) or the share's connection; then run the same command again: what it had not finished is done then, and nothing is stored twice$/s,
    es: ([dir]) =>
      `revise el disco (dmesg, df -h '${dir}') o la conexión de la carpeta compartida; luego ejecute el mismo comando otra vez: ` +
      'entonces se hace lo que quedó sin terminar, y nada se guarda dos veces',
  },
  {
    en: /^the PostgreSQL server of (\S+) has run out of disk space$/s,
    es: ([target]) => `el servidor PostgreSQL de ${target} se quedó sin espacio en disco`,
  },
  fixed(
    "ask its administrator to free space on the server's data disk; then run the same command again: what it had not finished is done then, and nothing is stored twice",
    'pida a su administrador que libere espacio en el disco de datos del servidor; luego ejecute el mismo comando otra vez: ' +
      'entonces se hace lo que quedó sin terminar, y nada se guarda dos veces',
  ),
  {
    en: /^the PostgreSQL server of (\S+) has no database named '(.*)'$/s,
    es: ([target, name]) =>
      `el servidor PostgreSQL de ${target} no tiene ninguna base de datos llamada '${name}'`,
  },
  fixed(
    'correct the database name at the end of the URL, or create the database first (`createdb NAME`, or `CREATE DATABASE` as an administrator)',
    'corrija el nombre de la base de datos al final de la URL, o cree primero la base de datos (`createdb NOMBRE`, o `CREATE DATABASE` como administrador)',
  ),
  {
    en: /^the PostgreSQL server of (\S+) does not accept encrypted \(TLS\) connections, which the URL's sslmode asks for$/s,
    es: ([target]) =>
      `el servidor PostgreSQL de ${target} no acepta conexiones cifradas (TLS), que pide el sslmode de la URL`,
  },
  fixed(
    'turn TLS on at the server (ssl = on in postgresql.conf, with its certificate and key), or remove sslmode from the URL ' +
      'only where the connection does not cross a network (a Unix socket, the same machine)',
    'active TLS en el servidor (ssl = on en postgresql.conf, con su certificado y su clave), o quite sslmode de la URL ' +
      'solo donde la conexión no cruza una red (un socket Unix, la misma máquina)',
  ),
  {
    en: /^the PostgreSQL server of (\S+) refused the password of user '(.*)'$/s,
    es: ([target, user]) => `el servidor PostgreSQL de ${target} rechazó la contraseña del usuario '${user}'`,
  },
  fixed(
    'correct the password in the URL (postgres://USER:PASSWORD@HOST/DB, special characters %-encoded) or in PGPASSWORD',
    'corrija la contraseña en la URL (postgres://USUARIO:CONTRASEÑA@HOST/BD, con los caracteres especiales codificados con %) o en PGPASSWORD',
  ),
  {
    en: /^the PostgreSQL server of (\S+) refused the connection \((.*)\)$/s,
    es: ([target, why]) => `el servidor PostgreSQL de ${target} rechazó la conexión (${why})`,
  },
  fixed(
    "check the user name in the URL, and that the server's pg_hba.conf lets that user connect to that database from this machine",
    'revise el nombre de usuario en la URL, y que el pg_hba.conf del servidor permita a ese usuario conectarse a esa base de datos desde esta máquina',
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
    es: ([what, target]) =>
      `${what} necesita la cola de trabajos, que está en PostgreSQL; la base de datos es SQLite (${target})`,
  },
  {
    en: /^point (.+) at postgres:\/\/USER:PASSWORD@HOST:PORT\/DB; with SQLite, run `tecsalud-batch ingest DIR` \(one process does the whole folder\)$/s,
    es: ([setting]) =>
      `apunte ${settingInSpanish(setting!)} a postgres://USUARIO:CONTRASEÑA@HOST:PUERTO/BD; con SQLite, ejecute \`tecsalud-batch ingest CARPETA\` (un solo proceso hace toda la carpeta)`,
  },
];
