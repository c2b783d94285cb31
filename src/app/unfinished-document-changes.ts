import { formatLocalTimestamp } from '../core/text/local-timestamp.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import type { AuditLogEntry } from '../db/schema.js';

/** A move or detach whose process died between the vectors and the rows (see AuditRepository.unfinishedDocumentChanges). */
export interface UnfinishedDocumentChange {
  documentId: string;
  kind: 'move' | 'detach';
  fromExpediente: string;
  /** The expediente a move was taking it to; null for a detach. */
  toExpediente: string | null;
  /** When it started (UTC, ISO 8601), and who started it. */
  at: string;
  actor: string;
  /** The command that finishes it: the same change, run again. */
  finish: string;
  /** The collection whose chunks it was changing; null when an older version started it without saying. */
  collection: string | null;
}

/** The unfinished changes (of `documentIds`, or of every document), one per document (its latest attempt: the one to finish), oldest first. */
export async function findUnfinishedDocumentChanges(
  database: Pick<OpenDatabase, 'db'>,
  documentIds?: readonly string[],
): Promise<UnfinishedDocumentChange[]> {
  const latest = new Map<string, AuditLogEntry>();
  for (const entry of await new AuditRepository(database.db).unfinishedDocumentChanges(documentIds)) {
    latest.delete(entry.documentId!);
    latest.set(entry.documentId!, entry);
  }
  return [...latest.values()].map(describeEntry);
}

function describeEntry(entry: AuditLogEntry): UnfinishedDocumentChange {
  const details = entry.details ? (JSON.parse(entry.details) as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '?');
  const kind = entry.action === 'document_detach_started' ? 'detach' : 'move';
  const short = entry.documentId!.slice(0, 8);
  const toExpediente = kind === 'move' ? text(details.to_expediente) : null;
  return {
    documentId: entry.documentId!,
    kind,
    fromExpediente: text(details.from_expediente),
    toExpediente,
    at: entry.at,
    actor: entry.actor,
    finish:
      kind === 'move'
        ? `tecsalud-batch documents move ${short} --to ${toExpediente}`
        : `tecsalud-batch documents detach ${short}`,
    collection: typeof details.collection === 'string' ? details.collection : null,
  };
}

/** `the move of document 1a2b3c4d from expediente A to B did not finish (started … by jlopez): run `…` to finish it`. */
export function describeUnfinishedChange(change: UnfinishedDocumentChange): string {
  const what =
    change.kind === 'move'
      ? `the move of document ${change.documentId.slice(0, 8)} from expediente ${change.fromExpediente} to ${change.toExpediente}`
      : `the detach of document ${change.documentId.slice(0, 8)} from expediente ${change.fromExpediente}`;
  // A name typed with --user is the admin's own text; a `;` in it would split the line's entries.
  const actor = sanitizeForTerminal(change.actor).replace(/;/g, ',');
  return (
    `${what} did not finish (started ${formatLocalTimestamp(change.at, 'en')} by ${actor}): ` +
    `run \`${change.finish}\` to finish it`
  );
}
