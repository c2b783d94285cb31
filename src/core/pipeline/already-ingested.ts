import { formatLocalTimestamp } from '../text/local-timestamp.js';

/** Who reads a file's message: a person at the command line, or a program calling the HTTP API. */
export type MessageClient = 'cli' | 'api';

/**
 * Why a file was not ingested again: its content is already a document. The advice is the reader's: the
 * command line re-ingests with --force; an API client has no such switch, and needs nothing more done — the
 * document it sent is stored already.
 */
export function alreadyIngestedMessage(
  document: { createdAt: string; filename: string; expediente: string },
  client: MessageClient,
  /** Settled unread: "unchanged since DATE; not read again". */
  since?: string,
): string {
  const advice =
    client === 'api'
      ? 'the stored document stands; there is no need to upload this file again'
      : 'use --force to re-ingest';
  return (
    `already ingested on ${formatLocalTimestamp(document.createdAt, 'en', 'date')} as '${document.filename}' for expediente ` +
    `${document.expediente} (${since === undefined ? '' : `${since}; `}${advice})`
  );
}
