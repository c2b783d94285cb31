import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, filesForm, sampleFile, startTestServer, type TestServer } from '../support/api-server.js';
import {
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  type Workspace,
} from '../support/ingest-fixture.js';

/**
 * What the API tells an admin to do must be something an HTTP client can do (a route), or what to ask the
 * records team: never a command it cannot run. The sessions here are made by `ingest DIR` on the server's own
 * registry, as a site that runs both does.
 */
const HOMONYM = '3000312954_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_EMER.pdf';
const ID_CONFLICT = '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf';

describe('advice an API admin can act on', { tags: ['slow'] }, () => {
  let workspace: Workspace;
  let server: TestServer;
  let admin: string;
  let folderSession: string;
  beforeAll(async () => {
    workspace = createWorkspace();
    await importSampleRegistry(workspace);
    folderSession = (await ingestJson(workspace)).report.session_id;
    server = await startTestServer({ workspace });
    admin = await server.token('admin');
  });
  afterAll(async () => {
    await server?.stop();
    workspace?.cleanup();
  });

  it('a review whose kept text is gone: ask the records team to process it again, not "re-run ingest", nor upload it again', async () => {
    const review = (await (
      await fetch(`${server.base}/${folderSession}/review`, { headers: bearer(admin) })
    ).json()) as {
      files_requiring_review: { file_id: string; filename: string }[];
    };
    const file = review.files_requiring_review.find((f) => f.filename === HOMONYM)!;
    const database = new Database(workspace.db);
    try {
      database.prepare('update batch_files set extracted_text = null where id = ?').run(file.file_id);
    } finally {
      database.close();
    }
    const decision = await fetch(`${server.base}/${folderSession}/review/${file.file_id}/decision`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'new_patient' }),
    });
    expect(decision.status).toBe(422);
    expect(((await decision.json()) as { message: string }).message).toBe(
      'the extracted text of this file is gone, so it cannot be decided here: ask the records team to process it again ' +
        '(re-run `tecsalud-batch ingest` on its folder); uploading it again would only point back to this review',
    );
  });

  it('a discard of a session made by `ingest DIR` names the cleanup route, the command only for the records team', async () => {
    const discard = await fetch(`${server.base}/${folderSession}/discard`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(discard.status).toBe(409);
    expect(((await discard.json()) as { message: string }).message).toBe(
      'this session was made by `ingest` from a folder, whose files are not the API’s to remove: the API discards only the ' +
        `sessions it took uploads for; clean this one up instead, once it has finished: DELETE /api/v1/documents/batch/${folderSession}/cleanup ` +
        `(its documents are kept; the records team’s \`tecsalud-batch cleanup ${folderSession.slice(0, 8)}\` does the same)`,
    );
  });

  it('a copy naming another patient than its twin, whose content a reviewer rejected: nothing is left to review, and it says so', async () => {
    const review = (await (
      await fetch(`${server.base}/${folderSession}/review`, { headers: bearer(admin) })
    ).json()) as {
      files_requiring_review: { file_id: string; filename: string }[];
    };
    const conflict = review.files_requiring_review.find((f) => f.filename === ID_CONFLICT)!;
    const rejected = await fetch(`${server.base}/${folderSession}/review/${conflict.file_id}/decision`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reject' }),
    });
    expect(rejected.status).toBe(200);
    // The same content again, under its own name and under another patient's, in one session.
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };
    const bytes = sampleFile(ID_CONFLICT);
    const form = filesForm([
      { name: ID_CONFLICT, bytes },
      { name: '3000016374_RIOS CORONADO, CESAR_6888240511_LAB.pdf', bytes },
    ]);
    expect(
      (
        await fetch(`${server.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(admin),
          body: form,
        })
      ).status,
    ).toBe(200);
    expect(
      (await fetch(`${server.base}/${sessionId}/process`, { method: 'POST', headers: bearer(admin) })).status,
    ).toBe(200);
    const { files } = (await (
      await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(admin) })
    ).json()) as {
      files: { outcome: string | null; error_message: string | null }[];
    };
    expect(files.map((file) => file.outcome).sort()).toEqual([
      'duplicate_other_patient',
      'previously_rejected',
    ]);
    const copy = files.find((file) => file.outcome === 'duplicate_other_patient')!;
    expect(copy.error_message).toMatch(
      /Check the document: nothing waits for review: a reviewer rejected this content, so it is set aside; if it is a patient's after all, ask the records team to reopen it for review \(`tecsalud-batch review --reopen \w{12}`\), telling them both names; there is no need to upload this file again$/,
    );
    expect(copy.error_message).not.toContain('settle that file');
  });

  it('cleaning up a session made by `ingest DIR` says its folder’s files are left, not that uploaded files were removed', async () => {
    const cleanup = await fetch(`${server.base}/${folderSession}/cleanup`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(cleanup.status).toBe(200);
    const body = (await cleanup.json()) as { message: string; removed_file_records: number };
    expect(body.message).toMatch(
      new RegExp(
        `^session ${folderSession} cleaned up: \\d+ file records removed; the files in its folder are left as they are`,
      ),
    );
    expect(body.message).not.toContain('uploaded');
    expect(fs.readdirSync(workspace.dropDir).length).toBeGreaterThan(0);
  });
});
