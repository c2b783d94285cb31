/**
 * serve's log lines, and a worker's errors and hints, as a Spanish-speaking operator reads them on stderr: the log's
 * own messages (`a backend is unavailable`), the errors' texts and the hints, each put in Spanish by the tables the
 * CLI's refusals use (usage-errors-es), with the few sentences only these processes say. The JSON log stays English
 * (programs read it).
 */
import { fixed, type RefusalRule } from './refusal-rules.js';
import { translateUsageMessage } from './usage-errors-es.js';

const SERVE_LOG_RULES: readonly RefusalRule[] = [
  fixed('a backend is unavailable', 'un servicio no está disponible'),
  fixed('health check found problems', 'la comprobación de estado encontró problemas'),
  fixed('processing the session stopped', 'el procesamiento de la sesión se detuvo'),
  fixed('request failed', 'la solicitud falló'),
  fixed(
    'expiring idle sessions failed; tried again later',
    'falló el descarte de sesiones inactivas; se intentará de nuevo más tarde',
  ),
  fixed('file failed', 'el archivo falló'),
  fixed('file not moved', 'el archivo no se movió'),
  // operatorHint's sentences (src/server/operator-hint.ts): what the server does meanwhile, and the checks it keeps.
  fixed(
    'the server stays up: its calls answer 503 (with Retry-After) until the service is back, and a session whose ' +
      'processing stopped finishes its files when it is processed again',
    'el servidor sigue en marcha: sus llamadas responden 503 (con Retry-After) hasta que el servicio vuelva, y una ' +
      'sesión cuyo procesamiento se detuvo termina sus archivos cuando se procesa de nuevo',
  ),
  fixed(
    "check that the service is up and its address in the server's settings",
    'compruebe que el servicio esté en marcha y su dirección en la configuración del servidor',
  ),
  // …and the worker's (`worker`): it pauses and takes its jobs again by itself.
  fixed(
    'the worker stays up: it takes its jobs again by itself once the service is back, with no restart',
    'el proceso de trabajo sigue en marcha: retoma sus tareas por sí solo cuando el servicio vuelva, sin reiniciarlo',
  ),
  fixed(
    'this --until-idle run waits for the service up to queue.untilIdleOutageSeconds, then stops',
    'esta ejecución con --until-idle espera al servicio hasta queue.untilIdleOutageSeconds, y luego se detiene',
  ),
  fixed(
    'the files of the jobs it put back are not failed',
    'los archivos de las tareas que devolvió a la cola no se dan por fallidos',
  ),
  fixed(
    "check that the service is up and its address in the worker's settings",
    'compruebe que el servicio esté en marcha y su dirección en la configuración del proceso de trabajo',
  ),
  fixed(
    'the server stopped answering (frozen, overloaded, or the network to it dropped)',
    'el servidor dejó de responder (detenido, sobrecargado, o se cortó la red hasta él)',
  ),
  fixed(
    'check it (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)',
    'revíselo (TECSALUD_DB_TIMEOUT fija cuánto esperar, en segundos)',
  ),
  fixed(
    'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout)',
    'revise el servidor (un reinicio, un apagado, un administrador que cerró sesiones, idle_session_timeout)',
  ),
  fixed("Chroma's own log says why", 'el registro de Chroma dice por qué'),
  fixed(
    'close what is writing to it (an sqlite3 shell or a database browser left in a transaction, a backup or copy tool), ' +
      'or wait for a large `patients import` to finish',
    'cierre lo que esté escribiendo en ella (una consola sqlite3 o un visor de bases de datos con una transacción abierta, ' +
      'una herramienta de respaldo o copia), o espere a que termine un `patients import` grande',
  ),
  fixed(
    "ask its administrator to free space on the server's data disk",
    'pida a su administrador que libere espacio en el disco de datos del servidor',
  ),
  {
    en: /^check the disk \(dmesg, df -h '(.*)'\) or the share's connection$/s,
    es: ([dir]) => `revise el disco (dmesg, df -h '${dir}') o la conexión de la carpeta compartida`,
  },
  {
    en: /^free space on it \(df -h '(.*)'\) or move the database to a larger disk$/s,
    es: ([dir]) => `libere espacio en él (df -h '${dir}') o mueva la base de datos a un disco más grande`,
  },
];

/** The parts a health check names its problems by (service-health's probes), in Spanish. */
const HEALTH_PARTS: Record<string, string> = { database: 'base de datos', chroma: 'chroma' };

/**
 * One piece of a log line (its message, an error's text, a hint) in Spanish, for `serve` and `worker` alike; a
 * library's bare words (pg's `Connection terminated unexpectedly`) are explained by the per-file tables, and kept.
 * A text no table knows stays as it is.
 */
export function translateServeLogText(text: string): string {
  const own = translateOwn(text);
  if (own !== null) return own;
  const part = /^(database|chroma): (.*)$/s.exec(text);
  if (part) return `${HEALTH_PARTS[part[1]!]}: ${translateServeLogText(part[2]!)}`;
  const whole = translateUsageMessage(text);
  if (whole !== text) return whole;
  // `check; meanwhile`, or a named problem (`name: problem`): piece by piece.
  if (text.includes('; ')) return text.split('; ').map(translateServeLogText).join('; ');
  const named = /^([a-z ]+): (.*)$/s.exec(text);
  if (named) return `${named[1]}: ${translateServeLogText(named[2]!)}`;
  return text;
}

function translateOwn(text: string): string | null {
  for (const rule of SERVE_LOG_RULES) {
    const match = rule.en.exec(text);
    if (match) return rule.es(match.slice(1), (nested) => nested);
  }
  return null;
}
