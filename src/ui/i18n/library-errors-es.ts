/**
 * The raw texts third-party libraries give for a service that failed us (pg and pg-boss, undici under the Chroma
 * client and fetch, Node's sockets under Fastify), as a Spanish-speaking operator reads them: a Spanish sentence on
 * what failed and what to check, then the library's own words, kept for IT (they search for those). Only a whole
 * text is known; a text no rule knows stays as it is. Tried last among the per-file rules (file-details-es), which
 * every Spanish table ends with: a file's line, a refusal, serve's and a worker's lines.
 */
import type { DetailRule } from './file-details-es.js';

/** What failed, what to check, and the library's words after them. */
function explained(what: string, check: string, original: string): string {
  return `${what}; ${check} (texto original: ${original})`;
}

const POSTGRES_GONE =
  'compruebe que el servidor PostgreSQL siga en marcha (un reinicio, un apagado, un administrador que cerró ' +
  'sesiones) y la red hasta él';

/** Each rule's `en` matches the library's whole text; its first group is that text. */
export const LIBRARY_ERROR_RULES: readonly DetailRule[] = [
  {
    en: /^((?:connect )?ECONNREFUSED (\S+))$/,
    es: ([text, where]) =>
      explained(
        `el servicio en ${where} rechazó la conexión`,
        'compruebe que esté en marcha y que esa sea la dirección de la configuración',
        text!,
      ),
  },
  {
    en: /^((?:read |connect )?ECONNRESET(?: \S+)?|socket hang up|other side closed|terminated)$/,
    es: ([text]) =>
      explained(
        'el servidor cortó la conexión a medias',
        'compruebe que siga en marcha (un reinicio, un apagado) y la red hasta él',
        text!,
      ),
  },
  {
    en: /^(Connection terminated unexpectedly)$/,
    es: ([text]) => explained('la base de datos PostgreSQL cortó la conexión', POSTGRES_GONE, text!),
  },
  {
    en: /^(timeout expired)$/,
    es: ([text]) =>
      explained(
        'la base de datos PostgreSQL no respondió a tiempo al conectar',
        'compruebe que el servidor esté en marcha y no sobrecargado, y la red hasta él',
        text!,
      ),
  },
  {
    en: /^(getaddrinfo (ENOTFOUND|EAI_AGAIN) (\S+))$/,
    es: ([text, code, host]) =>
      explained(
        code === 'ENOTFOUND'
          ? `el nombre ${host} no se resuelve`
          : `el nombre ${host} no se puede resolver ahora (DNS)`,
        'compruebe el nombre del servidor en la configuración y el DNS de esta máquina',
        text!,
      ),
  },
  {
    en: /^(fetch failed)$/,
    es: ([text]) =>
      explained(
        'una solicitud HTTP no obtuvo respuesta del servicio',
        'compruebe que el servicio (Chroma, el servicio de embeddings) esté en marcha y su dirección en la configuración',
        text!,
      ),
  },
  {
    en: /^(The operation was aborted due to timeout)$/,
    es: ([text]) =>
      explained(
        'el servicio no respondió a tiempo',
        'compruebe que esté en marcha y no sobrecargado, y la red hasta él',
        text!,
      ),
  },
  {
    en: /^(Client network socket disconnected before secure TLS connection was established)$/,
    es: ([text]) =>
      explained(
        'la conexión se cortó antes de establecer TLS',
        'compruebe que el servidor use TLS en ese puerto, y la red o el proxy hasta él',
        text!,
      ),
  },
  {
    en: /^(Premature close)$/,
    es: ([text]) =>
      explained(
        'el cliente cortó la solicitud antes de terminarla',
        'si se repite, revise la red o el proxy inverso entre el cliente y el servidor',
        text!,
      ),
  },
];
