// Two servers on one PostgreSQL registry and one upload folder: server A expiring an idle session at the very
// moment server B receives and registers an upload into it ends one known way, never a 500, an orphan PDF on
// disk or a file row without its PDF.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, SAMPLE_DIR, type Workspace } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import {
  bearer,
  createSession,
  filesForm,
  sampleFile,
  startTestServer,
  type TestServer,
} from '../support/api-server.js';
import { startServe } from '../e2e/support/serve-cli.js';

const FILE = fs.readdirSync(SAMPLE_DIR).sort()[0]!;
const HOUR = 3_600_000;

/** An upload whose body is sent in two halves: the second only when `finish` is called. */
function slowUpload(server: TestServer, sessionId: string, token: string) {
  const boundary = 'tecsalud-race-boundary';
  const bytes = sampleFile(FILE);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${FILE}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const half = Math.floor(bytes.length / 2);
  const url = new URL(`${server.base}/${sessionId}/upload`);
  const request = http.request(url, {
    method: 'POST',
    headers: {
      ...bearer(token),
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': head.length + bytes.length + tail.length,
    },
  });
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    request.on('error', reject);
  });
  request.write(Buffer.concat([head, bytes.subarray(0, half)]));
  return {
    answer,
    finish() {
      request.end(Buffer.concat([bytes.subarray(half), tail]));
    },
  };
}

describe.runIf(postgresWanted())(
  'an idle session expiring on one server while another receives an upload into it',
  { tags: ['slow'] },
  () => {
    let scratch: { url: string; drop(): Promise<void> };
    let workspace: Workspace;
    let expiring: TestServer;
    let receiving: TestServer;
    let sql: pg.Client;
    beforeAll(async () => {
      scratch = await createScratchPostgresDatabase();
      workspace = { ...createWorkspace({ copySample: false }), db: scratch.url };
      // The sweeps are run by the test (expireIdleSessions), at the moment it chooses.
      receiving = await startTestServer({
        workspace,
        settings: { sessionExpiryMs: HOUR, sessionSweepMs: HOUR },
      });
      expiring = await startTestServer({
        workspace,
        settings: { uploadDir: receiving.uploadDir, sessionExpiryMs: HOUR, sessionSweepMs: HOUR },
      });
      sql = new pg.Client({ connectionString: scratch.url });
      await sql.connect();
    });
    afterAll(async () => {
      await sql?.end();
      await expiring?.stop();
      await receiving?.stop();
      workspace?.cleanup();
      await scratch?.drop();
    });

    /** How many queries of the test's database wait for a lock (the row lock a test holds). */
    const lockWaits = async () =>
      Number(
        (
          await sql.query(
            "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
          )
        ).rows[0].n,
      );
    const until = async (what: string, check: () => Promise<boolean>) => {
      for (
        const deadline = Date.now() + 30_000;
        !(await check());
        await new Promise((resolve) => setTimeout(resolve, 20))
      ) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      }
    };

    it('keeps the session that is getting a file: the upload is registered whole, its PDF on disk', async () => {
      const uploader = await receiving.token('uploader');
      const { session_id: sessionId } = await createSession(receiving, uploader);
      await sql.query('update batch_uploads set created_at = $1 where id = $2', [
        new Date(Date.now() - 2 * HOUR).toISOString(),
        sessionId,
      ]);
      const sessionDir = path.join(receiving.uploadDir, sessionId);

      const upload = slowUpload(receiving, sessionId, uploader);
      for (
        const deadline = Date.now() + 10_000;
        !(
          fs.existsSync(sessionDir) &&
          fs.readdirSync(sessionDir).some((name) => name.startsWith('.incoming-'))
        );
      ) {
        if (Date.now() > deadline) throw new Error('the upload never reached the session folder');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The other server's sweep, while this one is half-way through the file.
      expect(await expiring.running.server.expireIdleSessions()).toEqual([]);
      upload.finish();

      const answer = await upload.answer;
      expect(answer).toMatchObject({ status: 200, body: { uploaded_files: [{ filename: FILE }] } });
      const rows = await sql.query('select relative_path from batch_files where batch_id = $1', [sessionId]);
      expect(rows.rows.map((row: { relative_path: string }) => row.relative_path)).toEqual([FILE]);
      expect(fs.readdirSync(sessionDir)).toHaveLength(1);
      expect(fs.readFileSync(path.join(sessionDir, fs.readdirSync(sessionDir)[0]!))).toEqual(
        sampleFile(FILE),
      );
    });

    it('keeps a session whose upload registers while a server starting up expires it: 200, never a file dropped after it', async () => {
      const uploader = await receiving.token('uploader');
      const { session_id: sessionId } = await createSession(receiving, uploader);
      await sql.query('update batch_uploads set created_at = $1 where id = $2', [
        new Date(Date.now() - 2 * HOUR).toISOString(),
        sessionId,
      ]);

      // A row lock holds both at the same point: the upload registering its file on this server (its file already
      // in the folder), then the expiry of another server — the built CLI — starting on the same registry and folder.
      const holder = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      let other: Awaited<ReturnType<typeof startServe>> | undefined;
      try {
        await holder.query('begin');
        await holder.query('select id from batch_uploads where id = $1 for update', [sessionId]);
        const uploading = fetch(`${receiving.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(uploader),
          body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
        });
        await until('the upload waits to register', async () => (await lockWaits()) >= 1);
        const starting = startServe(
          ['--db', scratch.url, '--upload-dir', receiving.uploadDir, '--session-expiry', '1h'],
          { cwd: workspace.root },
        );
        await until("the other server's expiry waits", async () => (await lockWaits()) >= 2);
        await holder.query('commit');

        const answer = await uploading;
        expect(answer.status).toBe(200);
        other = await starting;
        const expired = await sql.query(
          "select count(*) as n from audit_log where session_id = $1 and action = 'api_session_expired'",
          [sessionId],
        );
        expect(expired.rows[0].n).toBe('0');
        const status = await fetch(`${other.base}/${sessionId}/status`, { headers: bearer(uploader) });
        expect(await status.json()).toMatchObject({ status: 'pending', files: [{ filename: FILE }] });
        expect(fs.readdirSync(path.join(receiving.uploadDir, sessionId))).toHaveLength(1);
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
        expect(await other?.stop()).toBe(0);
      }
    });

    it('refuses an upload registering just after a server starting up expired its session: 410, nothing left on disk', async () => {
      const uploader = await receiving.token('uploader');
      const { session_id: sessionId } = await createSession(receiving, uploader);
      await sql.query('update batch_uploads set created_at = $1 where id = $2', [
        new Date(Date.now() - 2 * HOUR).toISOString(),
        sessionId,
      ]);
      const holder = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      let other: Awaited<ReturnType<typeof startServe>> | undefined;
      try {
        // The other server's expiry first in line for the session's row, the upload behind it.
        await holder.query('begin');
        await holder.query('select id from batch_uploads where id = $1 for update', [sessionId]);
        const starting = startServe(
          ['--db', scratch.url, '--upload-dir', receiving.uploadDir, '--session-expiry', '1h'],
          { cwd: workspace.root },
        );
        await until("the other server's expiry waits", async () => (await lockWaits()) >= 1);
        const uploading = fetch(`${receiving.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(uploader),
          body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
        });
        await until('the upload waits to register', async () => (await lockWaits()) >= 2);
        await holder.query('commit');

        other = await starting;
        const answer = await uploading;
        const body = (await answer.json()) as { message: string };
        expect({ status: answer.status, body }).toMatchObject({
          status: 410,
          body: { error: 'Gone', expired: true },
        });
        expect(body.message).toMatch(new RegExp(`^session ${sessionId} expired on .*create a new session`));
        const rows = await sql.query('select count(*) as n from batch_files where batch_id = $1', [
          sessionId,
        ]);
        expect(rows.rows[0].n).toBe('0');
        expect(fs.existsSync(path.join(receiving.uploadDir, sessionId))).toBe(false);
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
        expect(await other?.stop()).toBe(0);
      }
    });

    it('answers a process call on one server 410 when another expired the session just before its run took it, nothing left behind', async () => {
      const uploader = await receiving.token('uploader');
      const { session_id: sessionId } = await createSession(receiving, uploader);
      const uploaded = await fetch(`${receiving.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
      });
      expect(uploaded.status).toBe(200);
      const longAgo = new Date(Date.now() - 2 * HOUR).toISOString();
      await sql.query('update batch_uploads set created_at = $1 where id = $2', [longAgo, sessionId]);
      await sql.query('update batch_files set created_at = $1 where batch_id = $2', [longAgo, sessionId]);
      const holder = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('select id from batch_uploads where id = $1 for no key update', [sessionId]);
        const expiringNow = expiring.running.server.expireIdleSessions();
        await until("the other server's expiry waits", async () => (await lockWaits()) >= 1);
        const processing = fetch(`${receiving.base}/${sessionId}/process`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        await until(
          'the process call is under way',
          async () =>
            Number(
              (
                await sql.query(
                  "select count(*) as n from audit_log where session_id = $1 and action = 'api_session_processed'",
                  [sessionId],
                )
              ).rows[0].n,
            ) > 0,
        );
        await holder.query('commit');

        expect((await expiringNow).map((expired) => expired.sessionId)).toEqual([sessionId]);
        const answer = await processing;
        expect({ status: answer.status, body: await answer.json() }).toMatchObject({
          status: 410,
          body: { error: 'Gone', expired: true },
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(receiving.running.server.runs.isRunning(sessionId)).toBe(false);
        const left = await sql.query(
          'select (select count(*) from batch_files where batch_id = $1) as files, (select count(*) from medical_documents where batch_id = $1) as documents, ' +
            '(select count(*) from run_locks where session_id = $1) as locks',
          [sessionId],
        );
        expect(left.rows[0]).toEqual({ files: '0', documents: '0', locks: '0' });
        expect(fs.existsSync(path.join(receiving.uploadDir, sessionId))).toBe(false);
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
      }
    });

    it('never answers 404 for a session an admin is discarding on the other server: it is there, then gone (410)', async () => {
      const [admin, uploader] = await Promise.all([expiring.token('admin'), receiving.token('uploader')]);
      const { session_id: sessionId } = await createSession(receiving, uploader);
      const holder = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      try {
        // Holds the discard's audit entry (reads of the audit log go on): the moment between deleting and auditing.
        await holder.query('begin');
        await holder.query('lock table audit_log in exclusive mode');
        const discarding = fetch(`${expiring.base}/${sessionId}/discard`, {
          method: 'DELETE',
          headers: bearer(admin),
        });
        await until('the discard waits to audit', async () => (await lockWaits()) >= 1);
        const meanwhile = await fetch(`${receiving.base}/${sessionId}/status`, { headers: bearer(uploader) });
        expect(meanwhile.status).toBe(200);
        await holder.query('commit');
        expect((await discarding).status).toBe(200);
        const after = await fetch(`${receiving.base}/${sessionId}/status`, { headers: bearer(uploader) });
        expect({ status: after.status, body: await after.json() }).toMatchObject({
          status: 410,
          body: { discarded_by: 'test-admin' },
        });
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
      }
    });
  },
);
