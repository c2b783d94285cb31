import { createHash } from 'node:crypto';

/**
 * A document's id is derived from its content hash, so a run killed after writing vectors but
 * before recording the document reuses the same id (and the same chunk ids) when re-run: the
 * vectors are overwritten, never duplicated. Shaped as a UUID for the service's clients.
 */
export function documentIdForContent(contentSha256: string): string {
  const hex = createHash('sha256').update(`tecsalud-batch:document:${contentSha256}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
