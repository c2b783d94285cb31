import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, filesForm, sampleFile, startTestServer, type TestServer } from '../support/api-server.js';

const FILE = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';

/** An API client has no --force: a file already ingested tells it what is true for it instead. */
describe('a file uploaded again through the HTTP API', { tags: ['slow'] }, () => {
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer();
    uploader = await server.token('uploader');
  });
  afterAll(async () => server?.stop());

  const uploadAndProcess = async (name: string) => {
    return (await uploadAndProcessSession(name)).file;
  };
  const uploadAndProcessSession = async (name: string) => {
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'both', uploaded_by: 'dra. lopez' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };
    const uploaded = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name, bytes: sampleFile(FILE) }]),
    });
    expect(uploaded.status).toBe(200);
    expect(
      (await fetch(`${server.base}/${sessionId}/process`, { method: 'POST', headers: bearer(uploader) }))
        .status,
    ).toBe(200);
    const status = await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) });
    return {
      sessionId,
      file: ((await status.json()) as { files: { outcome: string | null; error_message: string | null }[] })
        .files[0]!,
    };
  };

  it('says the stored document stands, not to re-run with --force', async () => {
    expect((await uploadAndProcess(FILE)).outcome).not.toBe('duplicate');
    const again = await uploadAndProcess(FILE);
    expect(again.outcome).toBe('duplicate');
    expect(again.error_message).toMatch(
      /^already ingested on \d{4}-\d{2}-\d{2} as '.*' for expediente 3000768077 \(the stored document stands; there is no need to upload this file again\)$/,
    );
    expect(again.error_message).not.toContain('--force');
  });

  it('tells the client what it can do with a copy filed under another patient, not a command it cannot run', async () => {
    // The same bytes, named for another patient of the registry: one of the two names is wrong.
    const copy = await uploadAndProcess('3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf');
    expect(copy.outcome).toBe('duplicate_other_patient');
    expect(copy.error_message).toMatch(
      new RegExp(
        "^the same content was ingested on \\d{4}-\\d{2}-\\d{2} as '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB\\.pdf' for " +
          'expediente 3000768077 \\(document (\\w{8})\\), but this file names expediente 3000147773, not 3000768077: .* nothing was ' +
          'attached to 3000147773\\. Check the document: if it is theirs, ask the records team to move document \\1 to expediente ' +
          '3000147773 \\(`tecsalud-batch documents move \\1 --to 3000147773`\\); there is no need to upload this file again$',
      ),
    );
    expect(copy.error_message).not.toContain('remove this file');
  });

  it('names the review decision route of the file a copy in the same session waits on, whichever of the two came first', async () => {
    const bytes = sampleFile('3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf');
    const { session_id: sessionId } = (await (
      await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
      })
    ).json()) as { session_id: string };
    const form = filesForm([
      { name: '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf', bytes },
      { name: '3000016374_RIOS CORONADO, CESAR_6511262590_RX.pdf', bytes },
    ]);
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
    const { files } = (await (
      await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })
    ).json()) as {
      files: { file_id: string; outcome: string | null; error_message: string | null }[];
    };
    const waiting = files.find((file) => file.outcome === 'review_required')!;
    const copy = files.find((file) => file.outcome === 'duplicate_other_patient')!;
    expect(copy.error_message).toContain(
      `knowing both names (POST /api/v1/documents/batch/${sessionId}/review/${waiting.file_id}/decision)`,
    );
    expect(copy.error_message).toMatch(/; there is no need to upload this file again$/);
    expect(`${copy.error_message} ${waiting.error_message}`).not.toContain('tecsalud-batch review');
  });
});
