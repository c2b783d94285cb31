import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import type { SessionOptions } from '../../src/db/session-options.js';
import { createMigratedPostgresDatabase, postgresWanted } from './postgres.js';

export interface TestDatabase {
  name: string;
  /** A `--db` value for commands. */
  url: string;
  open(): Promise<OpenDatabase>;
  cleanup(): Promise<void>;
}

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * Databases every repository suite runs on: `for (const kind of DATABASE_KINDS)`. PostgreSQL joins
 * when TECSALUD_TEST_POSTGRES is set, and always in CI (where a missing server fails the suite).
 */
export const DATABASE_KINDS: readonly DatabaseKind[] = postgresWanted() ? ['sqlite', 'postgres'] : ['sqlite'];

export function createTempDir(prefix = 'tecsalud-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function createSqliteTestDatabase(): TestDatabase {
  const dir = createTempDir();
  const url = path.join(dir, 'registry.db');
  return {
    name: 'sqlite',
    url,
    open: () => openDatabase(resolveDatabaseTarget(url, { cwd: dir })),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh database of this kind, its schema migrated and no rows (PostgreSQL: a new database on the test server). */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') return createSqliteTestDatabase();
  const scratch = await createMigratedPostgresDatabase();
  const opened: OpenDatabase[] = [];
  return {
    name: 'postgres',
    url: scratch.url,
    open: async () => {
      const database = await openDatabase(resolveDatabaseTarget(scratch.url, { cwd: os.tmpdir() }));
      opened.push(database);
      return database;
    },
    cleanup: async () => {
      await Promise.all(opened.map((database) => database.close().catch(() => undefined)));
      await scratch.drop();
    },
  };
}

/** Collects what a command writes. */
export function captureIo() {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream,
      stderr: { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** The options a session records, as a run with the defaults writes them. */
export const SESSION_OPTIONS: SessionOptions = {
  glob: null,
  concurrency: 4,
  max_file_size: 10 * 1024 * 1024,
  max_files: 1000,
  chunk_size: 1000,
  chunk_overlap: 200,
  embed_batch_size: 256,
  force: false,
  thresholds: { auto: 0.95, review: 0.6 },
  collection: 'medical_documents',
  embedder: 'hashing-v1',
  extractor: 'pdf-parse',
  ocr: { mode: 'auto', engine: 'tesseract.js', min_confidence: 0.7 },
  store_batch_size: 32,
};

/** Opens the registry a test's CLI runs use (a database path, as TECSALUD_DB or --db gives it, read from `cwd`) for `use`, then closes it. */
export async function withRegistryAt<T>(
  cwd: string,
  databasePath: string,
  use: (database: OpenDatabase) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(resolveDatabaseTarget(databasePath, { cwd }));
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}
