import { describe, expect, it } from 'vitest';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { bearer, startTestServer } from '../support/api-server.js';
import { SESSION_OPTIONS } from '../support/databases.js';
import { createWorkspace, importSampleRegistry, openWorkspaceDb } from '../support/ingest-fixture.js';

/**
 * A folder's session left `processing` by an `ingest DIR` run that was killed (no run holds its folder's lock):
 * the API's status says so as the CLI's does — `failed` with `detailed_status: interrupted` (DECISIONS 1) and
 * how to resume it — instead of a client polling a `processing` that will never end.
 */
describe('the API’s status of a folder session whose run is gone', () => {
  it('is failed / interrupted with how to resume it; a session of serve’s own is left as recorded', async () => {
    const workspace = createWorkspace({ copySample: false });
    await importSampleRegistry(workspace);
    const database = await openWorkspaceDb(workspace);
    const batches = new BatchRepository(database.db);
    const folder = await batches.createSession({
      uploadedBy: 'cron',
      processingType: 'both',
      sourceDir: workspace.dropDir,
      options: SESSION_OPTIONS,
    });
    await batches.markStarted(folder.id);
    await database.close();

    const server = await startTestServer({ workspace });
    try {
      const token = await server.token('viewer');
      const response = await fetch(`${server.base}/${folder.id}/status`, { headers: bearer(token) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        status: string;
        detailed_status: string;
        error_message?: string | null;
      };
      expect(body).toMatchObject({ status: 'failed', detailed_status: 'interrupted' });
      expect(JSON.stringify(body)).toContain('tecsalud-batch ingest');

      // A session created through the API is processed by serve under a lock of its own: as recorded.
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(await server.token('uploader')), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: 'frontend' }),
      });
      const { session_id: uploadSession } = (await created.json()) as { session_id: string };
      const own = (await (
        await fetch(`${server.base}/${uploadSession}/status`, { headers: bearer(token) })
      ).json()) as {
        detailed_status: string;
      };
      expect(own.detailed_status).toBe('pending');
    } finally {
      await server.stop();
    }
  });
});
