import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { bearer, startTestServer, type TestServer } from '../support/api-server.js';

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
    expect(((await answer.json()) as { message: string }).message).toMatch(/^uploaded_by \(.+\) contains a control character \(U\+0000/);
  });
});
