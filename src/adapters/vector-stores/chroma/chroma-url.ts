import { requireHttpUrl } from '../../http-url.js';

export interface ChromaAddress {
  host: string;
  port: number;
  ssl: boolean;
}

export const DEFAULT_CHROMA_URL = 'http://localhost:8000';

/** `http://host:port` as the chromadb client wants it (host, port and ssl apart). */
export function parseChromaUrl(url: string): ChromaAddress {
  const parsed = requireHttpUrl(url, 'the Chroma URL (--chroma-url, CHROMA_URL or chroma.url)');
  const ssl = parsed.protocol === 'https:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : ssl ? 443 : 80,
    ssl,
  };
}
