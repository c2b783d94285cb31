import { UsageError } from '../errors.js';

/**
 * A server's address as a person wrote it (an environment variable, a flag, the config file), checked to be an
 * http(s) URL. `localhost:11434/v1` parses as a URL of scheme `localhost:`, and the client then failed with a
 * bare "Connection error": the scheme is what is missing, and the error says so. `what` names the setting.
 */
export function requireHttpUrl(value: string, what: string): URL {
  let parsed: URL | null = null;
  try {
    parsed = new URL(value);
  } catch {
    parsed = null;
  }
  if (parsed !== null && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return parsed;
  throw new UsageError(
    `${what} '${value}' is not an http:// or https:// URL`,
    /^[a-z][\w.+-]*:\/\//i.test(value)
      ? 'give it as http://HOST:PORT'
      : `write it with its scheme: http://${value}`,
  );
}
