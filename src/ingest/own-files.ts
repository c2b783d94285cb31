import path from 'node:path';
import type { DatabaseTarget } from '../db/database-url.js';
import { realPathAsFarAsItExists } from '../real-path.js';

/**
 * The tool's own files — the SQLite database with its `-wal`, `-shm` and `-journal`, the log with its
 * rotated copies, the config file — are never input: when they sit inside the folder being ingested (a
 * database in the drop folder, `ingest .` run where the database lives) they were reported as bad files and
 * `--quarantine-dir` moved the live database away, so the next run started an empty registry. Returns the
 * test a discovered file's (or hidden folder's) absolute path is put to.
 */
export async function ownFilesMatcher(
  paths: readonly (string | null | undefined)[],
): Promise<(absolutePath: string) => boolean> {
  const own = paths
    .filter((p): p is string => typeof p === 'string' && p !== '' && p !== '-')
    .map(realLocation);
  if (own.length === 0) return () => false;
  return (absolutePath) =>
    own.some(
      (file) =>
        absolutePath === file ||
        // A folder that holds one (a hidden `.tecsalud/` beside the drop's files): the tool's, not input either.
        file.startsWith(absolutePath + path.sep) ||
        // SQLite's companions (`-wal`, `-shm`, `-journal`) and a rotated log (`ingest.log.1`, `.2.gz`).
        /^(?:-wal|-shm|-journal|\.\d+(?:\.gz)?)$/.test(
          absolutePath.startsWith(file) ? absolutePath.slice(file.length) : '',
        ),
    );
}

/** The SQLite database file a target names (null for PostgreSQL or an in-memory database). */
export function databaseFileOf(target: DatabaseTarget): string | null {
  return target.kind === 'sqlite' && target.path !== ':memory:' ? target.path : null;
}

/** Where a path really is: its folder's real path (links resolved) and its own name, as discovery lists files. */
function realLocation(file: string): string {
  const absolute = path.resolve(file);
  return path.join(realPathAsFarAsItExists(path.dirname(absolute)).real, path.basename(absolute));
}
