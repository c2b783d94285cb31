// Two servers (or a server and its restarted self) sharing one upload folder: a server starting up, or
// starting a session's run, removes only the half-received uploads that nobody is receiving any more.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ABANDONED_INCOMING_MS, UploadStore } from '../../src/app/upload-store.js';
import { createTempDir } from '../support/databases.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString(),
  );
}

describe('half-received uploads in a shared upload folder', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second server starting up keeps the uploads a running one is receiving, and removes the abandoned ones', async () => {
    dir = createTempDir('tecsalud-upload-share-');
    const session = randomUUID();
    const receiving = await UploadStore.open(dir);
    await receiving.ensureSessionDir(session);
    const live = await receiving.createIncoming(session);
    fs.writeFileSync(live, '%PDF-1.4 half of it');

    const sessionDir = receiving.sessionDir(session);
    const leftBy = (name: string, ageMs = 0) => {
      const file = path.join(sessionDir, name);
      fs.writeFileSync(file, 'partial');
      const when = new Date(Date.now() - ageMs);
      fs.utimesSync(file, when, when);
      return file;
    };
    const killedHere = leftBy(`.incoming-${deadPid()}-0badc0de-${randomUUID()}@${os.hostname()}`);
    const otherHostStale = leftBy(
      `.incoming-4242-0badc0de-${randomUUID()}@another-host`,
      ABANDONED_INCOMING_MS + 60_000,
    );
    const otherHostWriting = leftBy(`.incoming-4242-0badc0de-${randomUUID()}@another-host`, 5_000);
    const olderVersion = leftBy(`.incoming-${randomUUID()}`);

    const starting = await UploadStore.open(dir);
    expect(await starting.removeAllIncoming()).toBe(3);
    const left = fs
      .readdirSync(sessionDir)
      .map((name) => path.join(sessionDir, name))
      .sort();
    expect(left).toEqual([live, otherHostWriting].sort());
    for (const gone of [killedHere, otherHostStale, olderVersion]) expect(fs.existsSync(gone)).toBe(false);

    // The session's run on the second server leaves the first one's upload alone too; so does the first
    // one's own run while the upload's request goes on (it answers for itself), and clears it once the
    // request is done with it.
    expect(await starting.removeIncoming(session)).toBe(0);
    expect(fs.existsSync(live)).toBe(true);
    expect(await receiving.removeIncoming(session)).toBe(0);
    expect(fs.existsSync(live)).toBe(true);
    receiving.releaseIncoming([live]);
    expect(await receiving.removeIncoming(session)).toBe(1);
    expect(fs.existsSync(live)).toBe(false);
    expect(fs.existsSync(otherHostWriting)).toBe(true);
  });
});
