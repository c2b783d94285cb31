import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { UsageError } from '../errors.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

/** A second Ctrl-C: the session is recorded as interrupted before the process exits. */
export async function markSessionInterrupted(location: RegistryLocation, sessionId: string): Promise<void> {
  await withRegistry(location, (database) => new BatchRepository(database.db).markInterrupted(sessionId));
}

/** Finds a session by id or unique prefix; without one, the latest session. */
export async function resolveSession(database: OpenDatabase, idOrPrefix: string | undefined): Promise<BatchUpload> {
  const batches = new BatchRepository(database.db);
  if (!idOrPrefix) {
    const latest = await batches.latestSession();
    if (!latest) throw new UsageError('there are no sessions yet', 'run `tecsalud-batch ingest DIR` first');
    return latest;
  }
  const found = await batches.findSessionByPrefix(idOrPrefix.trim());
  if (found.length === 0) {
    throw new UsageError(`no session '${sanitizeForTerminal(idOrPrefix)}'`, 'list them with `tecsalud-batch sessions`');
  }
  if (found.length > 1) {
    throw new UsageError(`'${sanitizeForTerminal(idOrPrefix)}' matches several sessions`, 'give more of the id');
  }
  return found[0]!;
}

/** A session (the latest when none is named) and, when asked, its files. */
export async function readSessionStatus(
  location: RegistryLocation,
  idOrPrefix: string | undefined,
  options: { files: boolean },
): Promise<{ session: BatchUpload; files: BatchFile[] }> {
  return withRegistry(location, async (database) => {
    const session = await resolveSession(database, idOrPrefix);
    const files = options.files ? await new BatchRepository(database.db).listFiles(session.id) : [];
    return { session, files };
  });
}

/** The most recent sessions, newest first. */
export async function listSessions(location: RegistryLocation, limit: number): Promise<BatchUpload[]> {
  return withRegistry(location, ({ db }) => new BatchRepository(db).listSessions(limit));
}
