import { UsageError } from '../../../errors.js';

export interface ChromaAddress {
  host: string;
  port: number;
  ssl: boolean;
}

export const DEFAULT_CHROMA_URL = 'http://localhost:8000';

/** `http://host:port` as the chromadb client wants it (host, port and ssl apart). */
export function parseChromaUrl(url: string): ChromaAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `'${url}' is not a Chroma URL`,
      'give it as http://HOST:PORT, e.g. http://localhost:8000',
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the Chroma URL must start with http:// or https://, got '${parsed.protocol}'`);
  }
  const ssl = parsed.protocol === 'https:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : ssl ? 443 : 80,
    ssl,
  };
}
