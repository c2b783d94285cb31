import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, SAMPLE_DIR, type Workspace } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import fs from 'node:fs';
import {
  bearer,
  filesForm,
  heldExtractor,
  sampleFile,
  startTestServer,
  type TestServer,
} from '../support/api-server.js';

const PDF = fs
  .readdirSync(SAMPLE_DIR)
  .sort()
  .find((name) => name.startsWith('3000312954_'))!;

/** The API over a PostgreSQL registry: what only that database (or several servers on one) brings. */
describe.runIf(postgresWanted())('the API over PostgreSQL', { tags: ['slow'] }, () => {
  let scratch: { url: string; drop(): Promise<void> };
  let workspace: Workspace;
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    scratch = await createScratchPostgresDatabase();
    workspace = { ...createWorkspace({ copySample: false }), db: scratch.url };
    server = await startTestServer({ workspace });
    uploader = await server.token('uploader');
  });
  afterAll(async () => {
    await server?.stop();
    workspace?.cleanup();
    await scratch?.drop();
  });

  const createSession = (body: Record<string, unknown>) =>
    fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a NUL in a text field with 400 naming the field, not the 500 of a failed insert', async () => {
    const answer = await createSession({ processing_type: 'complete', uploaded_by: 'dra.\u0000lopez' });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(
      /^uploaded_by \(.+\) contains a control character \(U\+0000/,
    );
  });

  it('answers a second server processing the same session 409, saying so plainly: no lock, folder, process or SQL', async () => {
    const held = heldExtractor();
    const first = await startTestServer({
      workspace,
      extractor: held.extractor,
      settings: { uploadDir: server.uploadDir },
    });
    try {
      const created = await createSession({ processing_type: 'complete', uploaded_by: 'dra. lopez' });
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      const firstUploader = uploader; // the tokens are the database's: the same for both servers
      const upload = await fetch(`${first.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(firstUploader),
        body: filesForm([{ name: PDF, bytes: sampleFile(PDF) }]),
      });
      expect(upload.status).toBe(200);
      expect(
        (
          await fetch(`${first.base}/${sessionId}/process?wait=false`, {
            method: 'POST',
            headers: bearer(firstUploader),
          })
        ).status,
      ).toBe(202);
      await held.started;

      const second = await fetch(`${server.base}/${sessionId}/process`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      expect(second.status).toBe(409);
      const body = (await second.json()) as { message: string };
      expect(body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message:
          'another server on the same database is processing this session: follow its status; once it has finished, process it again if files are left',
      });

      // Not waiting changes nothing: no "processing started" for a session another server runs.
      const notWaiting = await fetch(`${server.base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      expect(notWaiting.status).toBe(409);
      expect(await notWaiting.json()).toEqual(body);

      held.release();
      const done = await fetch(`${first.base}/${sessionId}/process`, {
        method: 'POST',
        headers: bearer(firstUploader),
      });
      expect(await done.json()).toMatchObject({ status: 'completed', total_files: 1 });
    } finally {
      held.release();
      await first.stop();
    }
  });

  it('refuses a session that needs vectors (422, saying to use text only or configure Chroma) when the embedded store cannot serve', async () => {
    for (const processingType of ['vectorized', 'both']) {
      const answer = await createSession({ processing_type: processingType, uploaded_by: 'dra. lopez' });
      expect([processingType, answer.status]).toEqual([processingType, 422]);
      const body = (await answer.json()) as { statusCode: number; error: string; message: string };
      expect(body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
      expect(body.message).toMatch(
        new RegExp(
          `^processing_type '${processingType}' stores vectors, and this server has no vector store it can use`,
        ),
      );
      expect(body.message).toContain("Use processing_type 'complete' (text only)");
      expect(body.message).toContain('configure Chroma (serve --vector-store chroma --chroma-url URL)');
    }
    expect((await createSession({ processing_type: 'complete', uploaded_by: 'dra. lopez' })).status).toBe(
      200,
    );
  });
});
