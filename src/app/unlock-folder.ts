import { realSourceDir, removeRunLock } from '../ingest/run-lock.js';
import type { RunLockHolder } from '../db/repositories/run-lock-repository.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { currentUser } from './current-user.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

/** `tecsalud-batch unlock DIR`: lifts the run lock on DIR that no run holds any more (see ingest/run-lock). */
export async function unlockFolder(
  location: RegistryLocation,
  options: { dir: string; force: boolean },
): Promise<{ sourceDir: string; removed: RunLockHolder | null }> {
  const sourceDir = realSourceDir(options.dir);
  return withRegistry(location, async (database) => {
    const removed = await removeRunLock(database, { sourceDir, force: options.force });
    if (removed) {
      // Someone said another host's run was over: who, and which run, stays on record.
      await new AuditRepository(database.db).record({
        actor: currentUser(),
        action: 'run_lock_lifted',
        sessionId: removed.sessionId,
        details: {
          source_dir: sourceDir,
          pid: removed.pid,
          host: removed.host,
          started_at: removed.startedAt,
          force: options.force,
        },
      });
    }
    return { sourceDir, removed };
  });
}
