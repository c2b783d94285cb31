import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  type Workspace,
} from '../support/ingest-fixture.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

/** Another process takes the database's write lock and keeps it for `ms`. */
function holdWriteLock(db: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require(${JSON.stringify(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3'))});
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO audit_log (id, at, actor, action) VALUES ('lock-holder', 'now', 'test', 'hold')").run();
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, db, String(ms)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const released = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve({ released }));
    child.once('error', reject);
  });
}

describe('faults', { tags: ['slow'] }, () => {
  it('waits for a database held busy by another process instead of failing files', async () => {
    expect(fs.existsSync(workspace.db)).toBe(true);
    const lock = await holdWriteLock(workspace.db, 3000);
    const started = performance.now();
    const { report } = await ingestJson(workspace);
    await lock.released;
    expect(performance.now() - started).toBeGreaterThan(2500); // it really waited for the lock
    expect(report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(18);
    expect(report.failed_files).toBe(3); // only the sample's three bad files
  });
});
