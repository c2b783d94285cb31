import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { runCli } from '../support/cli-binary.js';
import { createWorkspace, openWorkspaceDb, SAMPLE_DIR, type Workspace } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import {
  bearer,
  createSession,
  filesForm,
  heldExtractor,
  readEvents,
  sampleFile,
  startTestServer,
  type ServerEvent,
  type TestServer,
} from '../support/api-server.js';

const FILE = fs.readdirSync(SAMPLE_DIR).sort()[0]!;

/**
 * A client that created a session and gave up leaves it `pending` for ever: the API lets an admin discard a
 * session nobody processed (its uploads with it, audited), and refuses, saying why, one that is or was processed.
 */
describe(
  'discarding a session that was never processed (DELETE /{session_id}/discard)',
  { tags: ['slow'] },
  () => {
    let server: TestServer;
    let admin: string;
    let uploader: string;
    const held = heldExtractor();
    beforeAll(async () => {
      server = await startTestServer({ extractor: held.extractor });
      [admin, uploader] = await Promise.all([server.token('admin'), server.token('uploader')]);
    });
    afterAll(async () => {
      held.release();
      await server?.stop();
    });

    const newSession = async () => (await createSession(server, uploader)).session_id;
    const discard = (sessionId: string, token = admin) =>
      fetch(`${server.base}/${sessionId}/discard`, { method: 'DELETE', headers: bearer(token) });
    const listed = async (sessionId: string) => {
      const database = await openWorkspaceDb(server.workspace);
      try {
        return (await new BatchRepository(database.db).listSessions(100)).some(
          (session) => session.id === sessionId,
        );
      } finally {
        await database.close();
      }
    };

    it('removes a pending session, its uploads and its folder, and audits who did it and what was dropped', async () => {
      const empty = await newSession();
      const withUpload = await newSession();
      const uploaded = await fetch(`${server.base}/${withUpload}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
      });
      expect(uploaded.status).toBe(200);
      // Cleanup is for processed sessions; its refusal says how to get rid of this one.
      const cleanup = await fetch(`${server.base}/${withUpload}/cleanup`, {
        method: 'DELETE',
        headers: bearer(admin),
      });
      expect(cleanup.status).toBe(409);
      expect(((await cleanup.json()) as { message: string }).message).toContain(
        `discard it with DELETE /api/v1/documents/batch/${withUpload}/discard`,
      );
      // Dropping uploads is an admin's call, as cleaning up is.
      expect((await discard(withUpload, uploader)).status).toBe(403);

      // A client following the session's events is told it was discarded, and its stream ends.
      const following = await fetch(`${server.base}/${withUpload}/events`, { headers: bearer(uploader) });
      const seen: ServerEvent[] = [];
      const streamEnded = (async () => {
        for await (const event of readEvents(following)) seen.push(event);
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));

      const answer = await discard(withUpload);
      expect(answer.status).toBe(200);
      await streamEnded;
      expect(seen.map((event) => event.event)).toEqual(['snapshot', 'session_gone']);
      expect(seen[1]!.data).toMatchObject({
        session_id: withUpload,
        discarded_by: 'test-admin',
        message: expect.stringMatching(/was discarded on /),
      });
      expect(await answer.json()).toEqual({
        message: `session ${withUpload} discarded: never processed; 1 uploaded file removed`,
        session_id: withUpload,
        discarded_files: 1,
      });
      expect(await (await discard(empty)).json()).toMatchObject({ discarded_files: 0 });

      for (const sessionId of [empty, withUpload]) {
        expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(false);
        expect(await listed(sessionId), 'gone from `sessions`').toBe(false);
        expect((await discard(sessionId)).status).toBe(410);
      }
      const database = await openWorkspaceDb(server.workspace);
      try {
        const rows = await new AuditRepository(database.db).list({ batchId: withUpload, limit: 50 });
        const entry = rows.find((row) => row.action === 'api_session_discarded');
        expect(entry).toMatchObject({
          actor: 'test-admin',
          actorKind: 'token',
          client: '127.0.0.1',
          sessionId: withUpload,
        });
        expect(JSON.parse(entry!.details!)).toMatchObject({
          status: 'pending',
          uploaded_by: 'dra. lopez',
          discarded_files: [FILE],
        });
      } finally {
        await database.close();
      }
    });

    it('answers every call about a discarded session 410, saying who discarded it and when; an unknown id stays 404', async () => {
      const sessionId = await newSession();
      expect((await discard(sessionId)).status).toBe(200);
      const calls: [string, string, RequestInit?][] = [
        ['GET', 'status'],
        ['GET', 'review'],
        ['GET', 'events'],
        ['POST', 'process'],
        ['POST', 'upload', { body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]) }],
        [
          'POST',
          `review/${sessionId}/decision`,
          { body: JSON.stringify({ action: 'reject' }), headers: { 'content-type': 'application/json' } },
        ],
        ['DELETE', 'cleanup'],
        ['DELETE', 'discard'],
      ];
      for (const [method, call, init] of calls) {
        const answer = await fetch(`${server.base}/${sessionId}/${call}`, {
          method,
          ...init,
          headers: { ...bearer(admin), ...init?.headers },
        });
        const body = (await answer.json()) as Record<string, string>;
        expect({ call, status: answer.status }).toEqual({ call, status: 410 });
        expect(body).toMatchObject({ statusCode: 410, error: 'Gone', discarded_by: 'test-admin' });
        expect(body.message).toMatch(
          new RegExp(
            `^session ${sessionId} was discarded on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC by test-admin \\(from 127\\.0\\.0\\.1\\): ` +
              'it was never processed and its uploads were removed; create a new session',
          ),
        );
        expect(Date.parse(body.discarded_at!)).toBeGreaterThan(Date.now() - 60_000);
      }
      const unknown = await fetch(`${server.base}/00000000-0000-4000-8000-000000000000/status`, {
        headers: bearer(admin),
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message:
          'no session 00000000-0000-4000-8000-000000000000: check the id (create-session answers it as session_id), ' +
          'or create a session (POST /api/v1/documents/batch/create-session)',
      });
      // The OpenAPI document lists the 410 on the per-session routes.
      const openapi = (await (await fetch(`${server.running.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: object }>>;
      };
      expect(
        Object.keys(openapi.paths['/api/v1/documents/batch/{session_id}/status']!.get!.responses),
      ).toContain('410');
      // And every route its 503 (the server stopping, the database down), as the README says.
      for (const [route, methods] of Object.entries(openapi.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          expect(Object.keys(operation.responses), `${method} ${route}`).toContain('503');
        }
      }
    });

    it('has the CLI’s cleanup, which refuses such a session, point to discarding it, in the user’s language', async () => {
      const sessionId = await newSession();
      const cleanup = (lang: string) =>
        runCli(['cleanup', sessionId.slice(0, 8), '--db', server.workspace.db, '--lang', lang], {
          cwd: server.workspace.root,
          env: { TECSALUD_DB: '' },
        });
      const english = await cleanup('en');
      expect(english.code).toBe(64);
      expect(english.stderr).toBe(
        `error: session ${sessionId.slice(0, 8)} is still pending\n` +
          'hint: it was created through the HTTP API and never processed: process it, or discard it with its uploads ' +
          `(an admin token: DELETE /api/v1/documents/batch/${sessionId}/discard)\n`,
      );
      const spanish = await cleanup('es');
      expect(spanish.code).toBe(64);
      expect(spanish.stderr).toContain(
        'sugerencia: se creó por la API HTTP y nunca se procesó: procésela, o descártela junto con sus archivos subidos ' +
          `(con un token de admin: DELETE /api/v1/documents/batch/${sessionId}/discard)`,
      );
      expect((await discard(sessionId)).status).toBe(200);
    });

    it('refuses (409, saying why) a session being processed, and one that has been', async () => {
      const sessionId = await newSession();
      await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
      });
      const processing = fetch(`${server.base}/${sessionId}/process`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      await held.started;

      const during = await discard(sessionId);
      expect(during.status).toBe(409);
      expect(((await during.json()) as { message: string }).message).toBe(
        'the session is being processed: it cannot be discarded; clean it up once it has finished',
      );

      held.release();
      expect((await processing).status).toBe(200);
      const after = await discard(sessionId);
      expect(after.status).toBe(409);
      expect(((await after.json()) as { message: string }).message).toMatch(
        /^the session has been processed \(completed\): it cannot be discarded; clean it up instead/,
      );
      expect(await listed(sessionId)).toBe(true);
      expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(true);
    });
    it('refuses (409) a discard that arrives after process?wait=false answered 202: the session ends processed, its upload kept', async () => {
      held.release();
      const sessionId = await newSession();
      await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: FILE, bytes: sampleFile(FILE) }]),
      });
      const started = await fetch(`${server.base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      expect(started.status).toBe(202);
      const refused = await discard(sessionId);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { message: string }).message).toMatch(
        /^the session (is being processed|has been processed \(completed\))/,
      );
      for (
        const deadline = Date.now() + 10_000;
        server.running.server.runs.isRunning(sessionId) && Date.now() < deadline;
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const status = (await (
        await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(admin) })
      ).json()) as { status: string; files: { outcome: string }[] };
      // Its file is final (ingested, or a duplicate when an earlier test ingested the same PDF).
      expect(status).toMatchObject({
        status: 'completed',
        files: [{ processing_status: 'completed', outcome: expect.stringMatching(/^(ingested|duplicate)$/) }],
      });
      expect(await listed(sessionId)).toBe(true);
      expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(true);
    });
  },
);

/**
 * A process call that lands while a discard of the same session runs waits for it (they go in turn), then finds
 * no session: it is told the session was discarded, not answered 500. On PostgreSQL the interleaving is forced:
 * a row lock holds the discard inside its transaction while the process call gets past its checks.
 */
describe.runIf(postgresWanted())('a process call racing a discard (PostgreSQL)', { tags: ['slow'] }, () => {
  let scratch: { url: string; drop(): Promise<void> };
  let workspace: Workspace;
  let server: TestServer;
  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
    workspace = { ...createWorkspace({ copySample: false }), db: scratch.url };
    server = await startTestServer({ workspace });
  });
  afterAll(async () => {
    await server?.stop();
    workspace?.cleanup();
    await scratch?.drop();
  });

  it.each([true, false])(
    'answers the process call (wait=%s) 410 naming the discard, the discard 200, and leaves nothing behind',
    async (wait) => {
      const [admin, uploader] = await Promise.all([server.token('admin'), server.token('uploader')]);
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
      });
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
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

      const sql = new pg.Client({ connectionString: scratch.url });
      const holder = new pg.Client({ connectionString: scratch.url });
      await Promise.all([sql.connect(), holder.connect()]);
      try {
        const until = async (what: string, query: string, params: unknown[]) => {
          for (
            const deadline = Date.now() + 10_000;
            Date.now() < deadline;
            await new Promise((r) => setTimeout(r, 20))
          ) {
            if (Number((await sql.query(query, params)).rows[0].n) > 0) return;
          }
          throw new Error(`timed out waiting until ${what}`);
        };
        // Blocks the discard locking the session's row to delete it, not reading it nor the audit rows naming it.
        await holder.query('begin');
        await holder.query('select id from batch_uploads where id = $1 for no key update', [sessionId]);
        const discarding = fetch(`${server.base}/${sessionId}/discard`, {
          method: 'DELETE',
          headers: bearer(admin),
        });
        await until(
          'the discard waits inside its transaction',
          "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'select % from \"batch_uploads\" % for update'",
          [],
        );
        const processing = fetch(`${server.base}/${sessionId}/process?wait=${wait}`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        // The process call has passed its checks and started its run, which waits for the discard.
        await until(
          'the process call is under way',
          "select count(*) as n from audit_log where session_id = $1 and action = 'api_session_processed'",
          [sessionId],
        );
        await holder.query('commit');

        expect((await discarding).status).toBe(200);
        const answer = await processing;
        const body = (await answer.json()) as { message: string };
        expect({ status: answer.status, body }).toMatchObject({
          status: 410,
          body: { error: 'Gone', discarded_by: 'test-admin' },
        });
        expect(body.message).toMatch(new RegExp(`^session ${sessionId} was discarded on .* by test-admin`));
        // One known end: the session gone (410), its folder and upload removed, no document, no lock left, no run.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(server.running.server.runs.isRunning(sessionId)).toBe(false);
        const status = await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) });
        expect(status.status).toBe(410);
        expect(fs.existsSync(path.join(server.uploadDir, sessionId))).toBe(false);
        const left = await sql.query(
          'select (select count(*) from batch_files where batch_id = $1) as files, (select count(*) from medical_documents where batch_id = $1) as documents, ' +
            '(select count(*) from run_locks where session_id = $1) as locks',
          [sessionId],
        );
        expect(left.rows[0]).toEqual({ files: '0', documents: '0', locks: '0' });
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await Promise.all([sql.end(), holder.end()]);
      }
    },
  );
});
