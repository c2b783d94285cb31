import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';

export interface TestDatabase {
  name: string;
  /** A `--db` value for commands. */
  url: string;
  open(): Promise<OpenDatabase>;
  cleanup(): Promise<void>;
}

/** Databases every repository suite runs on. PostgreSQL joins when TECSALUD_TEST_POSTGRES is set. */
export const DATABASE_KINDS = ['sqlite'] as const;

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
