import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkerLog } from '../../src/app/worker-log.js';
import { createTempDir } from '../support/databases.js';
import { readJsonLines } from '../support/json-lines.js';

describe("a worker's log", () => {
  let root: string;
  beforeEach(() => {
    root = createTempDir('tecsalud-worker-log-');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is reopened on SIGHUP: the lines after it go to a new file at the same path', async () => {
    // test:fast runs files in one process (isolate: false): another file's listener may be there already.
    const listenersBefore = process.listenerCount('SIGHUP');
    const log = await openWorkerLog('logs/worker.log', { cwd: root, redact: true });
    const file = path.join(root, 'logs', 'worker.log');
    try {
      log.listener({ type: 'worker_started', workerId: 'w-1', concurrency: 2 });
      fs.renameSync(file, `${file}.1`); // what logrotate does before its postrotate `kill -HUP`
      process.emit('SIGHUP', 'SIGHUP');
      log.listener({ type: 'worker_stopping', reason: 'idle' });
    } finally {
      log.close();
    }
    expect(readJsonLines(`${file}.1`).map((line) => line.event)).toEqual(['worker_started']);
    expect(readJsonLines(file).map((line) => line.event)).toEqual(['log_reopened', 'worker_stopping']);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    // Closed: a later SIGHUP is no longer this log's.
    expect(process.listenerCount('SIGHUP')).toBe(listenersBefore);
  });

  it("keeps paths and names out of events unless redact is off, and writes fields in the log's snake_case", async () => {
    const event = {
      type: 'job_retrying',
      sessionId: 's-1',
      relativePath: '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
      attempt: 2,
      error: "cannot read '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf'",
    } as const;
    for (const redact of [true, false]) {
      const log = await openWorkerLog(`${redact}.log`, { cwd: root, redact });
      log.listener(event);
      log.close();
    }
    const [redacted] = readJsonLines(path.join(root, 'true.log'));
    expect(redacted).toMatchObject({ event: 'job_retrying', session_id: 's-1', attempt: 2 });
    expect(redacted).not.toHaveProperty('path');
    expect(JSON.stringify(redacted)).not.toMatch(/CORONADO/);
    const [plain] = readJsonLines(path.join(root, 'false.log'));
    expect(plain).toMatchObject({ path: event.relativePath, error: event.error });
  });

  it('says which file was not ready and why, its reason redacted like an error', async () => {
    const log = await openWorkerLog('postponed.log', { cwd: root, redact: true });
    log.listener({
      type: 'job_postponed',
      sessionId: 's-1',
      fileId: 'f-1',
      relativePath: '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
      outcome: 'still_being_written',
      reason: "'3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf' is still being written",
      delaySeconds: 10,
    });
    log.close();
    const [line] = readJsonLines(path.join(root, 'postponed.log'));
    expect(line).toMatchObject({
      event: 'job_postponed',
      session_id: 's-1',
      file_id: 'f-1',
      outcome: 'still_being_written',
      delay_seconds: 10,
    });
    expect(line).toHaveProperty('reason');
    expect(JSON.stringify(line)).not.toMatch(/CORONADO/);
  });
});
