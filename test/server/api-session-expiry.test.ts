import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createWorkspace, openWorkspaceDb, SAMPLE_DIR, type Workspace } from '../support/ingest-fixture.js';
import {
  bearer,
  createSession,
  filesForm,
  readEvents,
  sampleFile,
  startTestServer,
  type ServerEvent,
  type TestServer,
} from '../support/api-server.js';

const FILE = fs.readdirSync(SAMPLE_DIR).sort()[0]!;
const HOUR = 3_600_000;

/** Moves a session's clock back: created (or its files uploaded, with `files`) that long ago. */
async function ageSession(
  workspace: Workspace,
  sessionId: string,
  ms: number,
  what: 'session' | 'files',
): Promise<void> {
  const database = await openWorkspaceDb(workspace);
  try {
    const at = new Date(Date.now() - ms).toISOString();
    if (what === 'session')
      await database.db
        .updateTable('batchUploads')
        .set({ createdAt: at })
        .where('id', '=', sessionId)
        .execute();
    else
      await database.db
        .updateTable('batchFiles')
        .set({ createdAt: at })
        .where('batchId', '=', sessionId)
        .execute();
  } finally {
    await database.close();
  }
}

/**
 * A client that creates a session, uploads and never processes it left the session and its PDFs (patient data)
 * on disk for ever. The server discards such a session once no file was uploaded into it for its session expiry,
 * says in the session's answers when that will be, audits it, and answers 410 for it afterwards.
 */
describe('sessions nobody processed expire (serve --session-expiry)', { tags: ['slow'] }, () => {
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer({ settings: { sessionExpiryMs: HOUR, sessionSweepMs: 50 } });
    uploader = await server.token('uploader');
  });
  afterAll(async () => {
    await server?.stop();
  });

  const newSession = () => createSession<{ session_id: string; expires_at: string | null }>(server, uploader);
  const status = async (sessionId: string) => {
    const response = await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) });
    return { code: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const age = (sessionId: string, ms: number, what: 'session' | 'files') =>
    ageSession(server.workspace, sessionId, ms, what);
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (
      const deadline = Date.now() + 10_000;
      Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 50))
    ) {
      if (await check()) return;
    }
    throw new Error(`timed out waiting until ${what}`);
  };

  it('says when a session expires, moves it with each upload, and discards it with its uploads once idle, audited', async () => {
    const empty = await newSession();
    const created = Date.now();
    expect(Date.parse(empty.expires_at!)).toBeGreaterThan(created + HOUR - 10_000);
    expect(Date.parse(empty.expires_at!)).toBeLessThanOrEqual(created + HOUR);

    const withUpload = (await newSession()).session_id;
    const uploaded = await fetch(`${server.base}/${withUpload}/upload`, {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
    });
    expect(uploaded.status).toBe(200);

    // A client following the empty session's events is told when it goes, and its stream ends.
    const following = await fetch(`${server.base}/${empty.session_id}/events`, { headers: bearer(uploader) });
    const seen: ServerEvent[] = [];
    const streamEnded = (async () => {
      for await (const event of readEvents(following)) seen.push(event);
    })();

    // Both created two hours ago; one took a file just now: it is kept, and its expiry counts from that upload.
    await age(empty.session_id, 2 * HOUR, 'session');
    await age(withUpload, 2 * HOUR, 'session');
    await until('the empty session has expired', async () => (await status(empty.session_id)).code === 410);
    await streamEnded;
    expect(seen.map((event) => event.event)).toEqual(['snapshot', 'session_gone']);
    expect(seen[1]!.data).toMatchObject({
      session_id: empty.session_id,
      expired: true,
      message: expect.stringMatching(/ expired on .*create a new session/),
    });
    const kept = await status(withUpload);
    expect(kept.code).toBe(200);
    expect(Date.parse(kept.body.expires_at as string)).toBeGreaterThan(Date.now() + HOUR - 60_000);
    expect(fs.existsSync(path.join(server.uploadDir, withUpload))).toBe(true);

    // Its upload two hours old too: gone, with its folder and the PDF in it.
    await age(withUpload, 2 * HOUR, 'files');
    // Its rows go in one transaction, its folder right after: a status between the two already says 410.
    await until(
      'the session with an upload has expired, its folder removed',
      async () =>
        (await status(withUpload)).code === 410 && !fs.existsSync(path.join(server.uploadDir, withUpload)),
    );
    expect(fs.existsSync(path.join(server.uploadDir, empty.session_id))).toBe(false);

    const gone = await status(withUpload);
    expect(gone.body).toMatchObject({ statusCode: 410, error: 'Gone', expired: true });
    expect(gone.body.message).toMatch(
      new RegExp(
        `^session ${withUpload} expired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: it was never processed and no file was uploaded ` +
          "into it for the server's session expiry, so the server discarded it with its uploads; create a new session",
      ),
    );
    const database = await openWorkspaceDb(server.workspace);
    try {
      const rows = await new AuditRepository(database.db).list({ batchId: withUpload, limit: 50 });
      const entry = rows.find((row) => row.action === 'api_session_expired');
      expect(entry).toMatchObject({ actorKind: 'os_user', sessionId: withUpload });
      expect(JSON.parse(entry!.details!)).toMatchObject({
        expiry_minutes: 60,
        status: 'pending',
        uploaded_by: 'dra. lopez',
        discarded_files: [FILE],
      });
    } finally {
      await database.close();
    }
  });

  it('expires a session whose run failed to start (a backend down) as never processed, counted from that failure', async () => {
    const { session_id: sessionId } = await newSession();
    const form = filesForm([{ name: FILE, bytes: sampleFile(FILE) }]);
    expect(
      (
        await fetch(`${server.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(uploader),
          body: form,
        })
      ).status,
    ).toBe(200);
    await age(sessionId, 3 * HOUR, 'session');
    await age(sessionId, 3 * HOUR, 'files');
    // As recordSessionStartFailure leaves it: failed, never started, its files pending — half an hour ago.
    const failedAt = new Date(Date.now() - HOUR / 2).toISOString();
    const database = await openWorkspaceDb(server.workspace);
    try {
      await database.db
        .updateTable('batchUploads')
        .set({
          status: 'failed',
          errorMessage: 'could not process the session: Chroma is down',
          completedAt: failedAt,
        })
        .where('id', '=', sessionId)
        .execute();
    } finally {
      await database.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    const kept = await status(sessionId);
    expect(kept.body).toMatchObject({
      status: 'failed',
      expires_at: new Date(Date.parse(failedAt) + HOUR).toISOString(),
    });

    // The failure two hours old: past the expiry.
    const reopened = await openWorkspaceDb(server.workspace);
    try {
      await reopened.db
        .updateTable('batchUploads')
        .set({ completedAt: new Date(Date.now() - 2 * HOUR).toISOString() })
        .where('id', '=', sessionId)
        .execute();
    } finally {
      await reopened.close();
    }
    // Gone to a client first (its row marked expired), its uploads removed just after: both, within the wait.
    await until(
      'the failed session has expired and its uploads are removed',
      async () =>
        (await status(sessionId)).code === 410 && !fs.existsSync(path.join(server.uploadDir, sessionId)),
    );
  });

  it('never expires nor shows an expiry for a session made by `ingest DIR` from a folder', async () => {
    const database = await openWorkspaceDb(server.workspace);
    let sessionId: string;
    try {
      sessionId = randomUUID();
      // As `ingest DIR` records its session before its run marks it started.
      await database.db
        .insertInto('batchUploads')
        .values({
          id: sessionId,
          uploadedBy: 'records',
          processingType: 'complete',
          status: 'pending',
          sourceDir: server.workspace.dropDir,
          totalFiles: 0,
          processedFiles: 0,
          failedFiles: 0,
          createdPatients: 0,
          matchedPatients: 0,
          reviewRequired: 0,
          duplicates: 0,
          optionsJson: '{}',
          errorMessage: null,
          createdAt: new Date().toISOString(),
          startedAt: null,
          completedAt: null,
          supersededBy: null,
        })
        .execute();
    } finally {
      await database.close();
    }
    await age(sessionId, 2 * HOUR, 'session');
    await new Promise((r) => setTimeout(r, 300));
    const after = await status(sessionId);
    expect(after.code).toBe(200);
    // (Shown as its run left it: no run holds the folder.) Never expired, never said to expire.
    expect(after.body).toMatchObject({ expires_at: null });
  });

  it('never expires a session once it has been processed: its status says it does not expire', async () => {
    const { session_id: sessionId } = await newSession();
    const form = filesForm([{ name: FILE, bytes: sampleFile(FILE) }]);
    expect(
      (
        await fetch(`${server.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(uploader),
          body: form,
        })
      ).status,
    ).toBe(200);
    expect(
      (await fetch(`${server.base}/${sessionId}/process`, { method: 'POST', headers: bearer(uploader) }))
        .status,
    ).toBe(200);
    await age(sessionId, 2 * HOUR, 'session');
    await age(sessionId, 2 * HOUR, 'files');
    await new Promise((r) => setTimeout(r, 300));
    const after = await status(sessionId);
    expect(after.code).toBe(200);
    expect(after.body).toMatchObject({ status: 'completed', expires_at: null });
    expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(true);
  });
});

describe('serve (the built CLI) and sessions that expired while no server ran', { tags: ['slow'] }, () => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = createWorkspace({ copySample: false });
  });
  afterAll(() => workspace?.cleanup());

  it('discards them at start, says so in the user’s language and in --json, and refuses an expiry it cannot read', async () => {
    const server = await startTestServer({ workspace });
    let sessionId: string;
    try {
      const uploader = await server.token('uploader');
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
      });
      sessionId = ((await created.json()) as { session_id: string }).session_id;
      const form = filesForm([{ name: FILE, bytes: sampleFile(FILE) }]);
      expect(
        (
          await fetch(`${server.base}/${sessionId}/upload`, {
            method: 'POST',
            headers: bearer(uploader),
            body: form,
          })
        ).status,
      ).toBe(200);
    } finally {
      await server.stop();
    }
    // Four days without a server: past the default expiry of 72 h.
    await ageSession(workspace, sessionId, 96 * HOUR, 'session');
    await ageSession(workspace, sessionId, 96 * HOUR, 'files');

    const args = ['serve', '--json', '--port', '0', '--db', workspace.db, '--upload-dir', server.uploadDir];
    const child = spawnCli(args, {
      cwd: workspace.root,
      env: { LANG: 'es_MX.UTF-8', LC_ALL: '', TECSALUD_DB: '' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'close');
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      expect(JSON.parse(line)).toMatchObject({
        expired_sessions: [sessionId],
        session_expiry_minutes: 72 * 60,
      });
      expect(stderr).toContain(
        'Se descartó 1 sesión que nadie procesó ni recibió archivos en 72 h, junto con sus archivos subidos',
      );
      expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(false);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);

    const refused = await runCli([...args, '--session-expiry', 'soon', '--lang', 'en'], {
      cwd: workspace.root,
      env: { TECSALUD_DB: '' },
    });
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 64,
      stderr: "error: --session-expiry 'soon' is not a duration\nhint: write it like 24h, 3d or off\n",
    });
  });
});
