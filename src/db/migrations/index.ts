import type { Kysely, Migration, MigrationProvider } from 'kysely';
import * as initialSchema from './0001-initial-schema.js';
import * as runLocks from './0002-run-locks.js';
import * as ocr from './0003-ocr.js';
import * as reviewAudit from './0004-review-audit.js';
import * as apiTokens from './0005-api-tokens.js';
import * as settledFiles from './0006-settled-files.js';
import * as queue from './0007-queue.js';
import * as auditActionIndex from './0008-audit-action-index.js';
import * as documentCollection from './0009-document-collection.js';
import * as creationLocks from './0010-creation-locks.js';

export type SqlDialectName = 'sqlite' | 'postgres';

interface DialectAwareMigration {
  up(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void>;
  down?(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void>;
}

/**
 * Migrations are listed in code rather than read from a folder: the same list works from the
 * compiled dist/ and from the TypeScript sources under test, and nothing depends on the file-system.
 * Names sort in the order they must run. Each one is told the dialect, for the rare storage clause
 * that only one database has (never for the schema's meaning, which is the same on both).
 */
const MIGRATIONS: Record<string, DialectAwareMigration> = {
  '0001-initial-schema': initialSchema,
  '0002-run-locks': runLocks,
  '0003-ocr': ocr,
  '0004-review-audit': reviewAudit,
  '0005-api-tokens': apiTokens,
  '0006-settled-files': settledFiles,
  '0007-queue': queue,
  '0008-audit-action-index': auditActionIndex,
  '0009-document-collection': documentCollection,
  '0010-creation-locks': creationLocks,
};

/** The migrations this version of the tool knows, in order: a database that ran others was migrated by a newer one. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Runs one migration's own statements (open-database lifts the statement bound around them). */
export type MigrationStepRunner = (step: () => Promise<void>) => Promise<void>;

export function createMigrationProvider(
  dialect: SqlDialectName,
  runStep: MigrationStepRunner = (step) => step(),
): MigrationProvider {
  return {
    getMigrations: async () => {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(MIGRATIONS)) {
        const { up, down } = migration;
        bound[name] = {
          up: (db) => runStep(() => up(db, dialect)),
          ...(down ? { down: (db: Kysely<unknown>) => runStep(() => down(db, dialect)) } : {}),
        };
      }
      return bound;
    },
  };
}
