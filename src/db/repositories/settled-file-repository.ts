import type { Kysely } from 'kysely';
import type { Database, SettledFile } from '../schema.js';

/** Paths per statement: well under the databases' limits on parameters. */
const PATHS_PER_STATEMENT = 500;

/**
 * The files of a folder that reached a final state, remembered by (folder, path, size, mtime): a file found
 * again unchanged is settled from what is known of its content (its hash) without reading it, so the
 * files already done in a large folder cost a run a stat and a lookup each, never a read.
 */
export class SettledFileRepository {
  /** `db` may be a transaction: a file is remembered in the transaction that records its final state. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Remembers (or updates) files as they are now; the last final state of a path wins. */
  async remember(files: SettledFile[]): Promise<void> {
    if (files.length === 0) return;
    // One row per path: the same path twice in one statement would conflict with itself.
    const byPath = new Map(files.map((file) => [`${file.sourceDir}\u0000${file.relativePath}`, file]));
    const rows = [...byPath.values()];
    for (let i = 0; i < rows.length; i += PATHS_PER_STATEMENT) {
      await this.db
        .insertInto('settledFiles')
        .values(rows.slice(i, i + PATHS_PER_STATEMENT))
        .onConflict((oc) =>
          oc.columns(['sourceDir', 'relativePath']).doUpdateSet((eb) => ({
            size: eb.ref('excluded.size'),
            mtimeMs: eb.ref('excluded.mtimeMs'),
            contentSha256: eb.ref('excluded.contentSha256'),
            outcome: eb.ref('excluded.outcome'),
            errorMessage: eb.ref('excluded.errorMessage'),
            batchId: eb.ref('excluded.batchId'),
            settledAt: eb.ref('excluded.settledAt'),
          })),
        )
        .execute();
    }
  }

  /** What is remembered of these paths of a folder, by path. */
  async lookup(sourceDir: string, relativePaths: string[]): Promise<Map<string, SettledFile>> {
    const found = new Map<string, SettledFile>();
    for (let i = 0; i < relativePaths.length; i += PATHS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('settledFiles')
        .selectAll()
        .where('sourceDir', '=', sourceDir)
        .where('relativePath', 'in', relativePaths.slice(i, i + PATHS_PER_STATEMENT))
        .execute();
      // PostgreSQL returns a bigint as a string.
      for (const row of rows)
        found.set(row.relativePath, { ...row, size: Number(row.size), mtimeMs: Number(row.mtimeMs) });
    }
    return found;
  }

  /** Forgets paths whose file left the folder (archived, quarantined). */
  async forget(sourceDir: string, relativePaths: string[]): Promise<void> {
    for (let i = 0; i < relativePaths.length; i += PATHS_PER_STATEMENT) {
      await this.db
        .deleteFrom('settledFiles')
        .where('sourceDir', '=', sourceDir)
        .where('relativePath', 'in', relativePaths.slice(i, i + PATHS_PER_STATEMENT))
        .execute();
    }
  }
}
