import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createSession,
  sampleFile,
  startTestServer,
  type TestServer,
} from '../support/api-server.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import fs from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The name an upload's part is taken under is its own Content-Disposition's (RFC 6266: filename* over
 * filename), not the one busboy kept: a part naming two patients is refused, never filed under either.
 */
const PDF = fs
  .readdirSync(SAMPLE_DIR)
  .sort()
  .find((name) => name.startsWith('3000312954_'))!;
const RIOS = '3000016374_RÍOS CORONADO, CÉSAR_5555555504_LAB.pdf';
const ACOSTA = '3000576011_ACOSTA MORALES, JORGE_5555555504_LAB.pdf';
const BOUNDARY = 'names-boundary';
const star = (name: string) => `filename*=UTF-8''${encodeURIComponent(name)}`;

/** A multipart body of `files` parts, each with its Content-Disposition parameters as given. */
function body(dispositions: string[]): Buffer {
  return Buffer.concat([
    ...dispositions.flatMap((params) => [
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; ${params}\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      sampleFile(PDF),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

interface UploadAnswer {
  uploaded_files: { filename: string }[];
  failed_files: { filename: string; status_code: number; message: string }[];
}

describe('the names of uploaded parts', { tags: ['slow'] }, () => {
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer();
    uploader = await server.token('uploader');
  });
  afterAll(async () => server?.stop());

  const newSession = async (): Promise<string> => (await createSession(server, uploader)).session_id;
  const upload = async (sessionId: string, dispositions: string[]) => {
    const answer = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(body(dispositions)),
    });
    return { status: answer.status, json: (await answer.json()) as UploadAnswer };
  };
  const registered = async (sessionId: string) =>
    (
      (await (await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })).json()) as {
        files: { filename: string }[];
      }
    ).files.map((file) => file.filename);

  it('refuses a part whose filename and filename* name two patients, in either order, registering nothing for it', async () => {
    for (const params of [`filename="${ACOSTA}"; ${star(RIOS)}`, `${star(RIOS)}; filename="${ACOSTA}"`]) {
      const sessionId = await newSession();
      const { status, json } = await upload(sessionId, [params, `filename="${PDF}"`]);
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.uploaded_files.map((file) => file.filename)).toEqual([PDF]);
      expect(json.failed_files).toEqual([
        {
          filename: RIOS,
          status_code: 400,
          error: 'Bad Request',
          message:
            `this part's Content-Disposition names two different files: filename="${ACOSTA}" and filename*="${RIOS}"; ` +
            "nothing of it was taken: send one name (filename*=UTF-8''… with its ASCII fallback in filename, or one of them alone)",
        },
      ]);
      expect(await registered(sessionId)).toEqual([PDF]);
      expect(
        fs
          .readdirSync(path.join(server.uploadDir, sessionId))
          .filter((name) => name.startsWith('.incoming-')),
      ).toEqual([]);
    }
  });

  it('takes the accented filename* beside its .NET encoded word, its ASCII fallback, or alone', async () => {
    for (const params of [
      `filename="=?utf-8?B?${Buffer.from(RIOS).toString('base64')}?="; ${star(RIOS).replace('UTF-8', 'utf-8')}`,
      `filename="3000016374_RIOS CORONADO, CESAR_5555555504_LAB.pdf"; ${star(RIOS)}`,
      star(RIOS),
    ]) {
      const sessionId = await newSession();
      const { status, json } = await upload(sessionId, [params]);
      expect([params, status, json.failed_files]).toEqual([params, 200, []]);
      expect(json.uploaded_files).toMatchObject([
        { filename: RIOS, parsed: true, patient_name: 'RÍOS CORONADO, CÉSAR' },
      ]);
      expect(await registered(sessionId)).toEqual([RIOS]);
    }
  });

  it('refuses a name longer than the limit (400, its length) instead of cutting off its document type', async () => {
    const sessionId = await newSession();
    const long = `3000016374_RIOS CORONADO, CESAR ${'X'.repeat(300 - 51)}_5555555504_LAB.pdf`;
    expect(long).toHaveLength(300);
    const { status, json } = await upload(sessionId, [`filename="${long}"`]);
    expect(status).toBe(400);
    expect(json.failed_files).toEqual([
      {
        filename: long,
        status_code: 400,
        error: 'Bad Request',
        message:
          'the filename is too long: 300 characters, over the limit of 200; it is not cut, as cut it would lose its end ' +
          '(the document type): send it under a shorter name',
      },
    ]);
    expect(await registered(sessionId)).toEqual([]);
  });

  it('reads each part’s own headers however the body arrives: in small pieces, slowly, the parts of two patients', async () => {
    const sessionId = await newSession();
    const others = ['3000016374_RIOS CORONADO, CESAR_CIR.pdf', PDF];
    const bytes = body([star(RIOS), `filename="${ACOSTA}"; ${star(others[0]!)}`, `filename="${others[1]}"`]);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${server.base}/${sessionId}/upload`,
        {
          method: 'POST',
          headers: {
            ...bearer(uploader),
            'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
            'content-length': String(bytes.length),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      void (async () => {
        // Pieces of 1 to 97 bytes around each part's headers, the rest in large ones.
        for (let at = 0; at < bytes.length;) {
          const nearHeader = bytes.subarray(Math.max(0, at - 200), at + 200).includes('Content-Disposition');
          const size = nearHeader ? 1 + (at % 97) : 16_384;
          req.write(bytes.subarray(at, at + size));
          at += size;
          if (nearHeader) await sleep(1);
        }
        req.end();
      })().catch(reject);
    });
    expect(answer.status, answer.text).toBe(200);
    const json = JSON.parse(answer.text) as UploadAnswer;
    expect(json.uploaded_files.map((file) => file.filename)).toEqual([RIOS, PDF]);
    expect(json.failed_files).toMatchObject([{ filename: others[0], status_code: 400 }]);
  });
});
