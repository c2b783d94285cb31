/** `postgres://user@db.hospital.local:5432/registry`, `http://10.0.0.5:8000`: any URL. */
const URL_TEXT = /\s*(?:\b(?:at|of)\s+)?\b[a-z][a-z0-9+.-]*:\/\/[^\s'",;)]*[^\s'",;):]/gi;
/** A quoted absolute path, as file-system errors and our messages quote them: `'/var/lib/tecsalud/registry.db'`. */
const QUOTED_PATH = /\s*'(?:\/|[A-Za-z]:\\)[^']*'/g;
/** An IPv4 address, with its port: `10.0.0.5:5432`. */
const IPV4 = /\s*\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
/** Node's network errors name the host they tried: `getaddrinfo ENOTFOUND chroma.internal`, `connect ECONNREFUSED ::1:8000`. */
const NETWORK_ERROR_HOST = /\b((?:getaddrinfo|connect|read|write) E[A-Z]+)\s+[^\s,;)]+/g;

/**
 * A message for a client outside this machine: what is wrong, without where this server's backends live (the
 * database's file, a server's URL or address), which is the operator's business and an attacker's map. The
 * operator reads the whole message, with its hint, in the server's log.
 */
export function withoutLocations(message: string): string {
  return message
    .replace(URL_TEXT, '')
    .replace(QUOTED_PATH, '')
    .replace(NETWORK_ERROR_HOST, '$1')
    .replace(IPV4, '');
}
