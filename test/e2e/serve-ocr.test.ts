// serve's OCR flags through the real entry point: the built CLI, a real scan (the fixtures generator's), the
// native engine in its child processes, SQLite. One small page per server: each OCR'd page takes a second or two.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { readEvents } from '../support/api-server.js';
import { hasNativeOcr, joinScans, makeSmallScan, SCAN_PATIENT, scanFilename } from '../support/scans.js';
import { apiClient, createToken, startServe } from './support/serve-cli.js';

let root: string;
let db: string;
let token: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-serve-ocr-');
  db = path.join(root, 'registry.db');
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
  token = await createToken(db, root);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** One scan uploaded and processed through a server started with `flags`; the file's row and its document's. */
async function processScan(flags: string[], env: NodeJS.ProcessEnv, numero: string, seed: number) {
  const server = await startServe(['--db', db, '--upload-dir', 'uploads', '--quiet', ...flags], {
    cwd: root,
    env,
  });
  try {
    const api = apiClient(server.base, token);
    const sessionId = await api.createSession();
    const name = scanFilename(numero);
    expect((await api.upload(sessionId, [{ name, bytes: await makeSmallScan(seed) }])).status).toBe(200);
    const processed = await api.process(sessionId);
    expect(processed.status, await processed.clone().text()).toBe(200);
    const [file] = (await api.status(sessionId)).files;
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const document = handle
        .prepare(
          'select content, ocr_engine, ocr_pages, ocr_confidence from medical_documents where batch_id = ?',
        )
        .get(sessionId) as
        { content: string; ocr_engine: string; ocr_pages: number; ocr_confidence: number } | undefined;
      const { options_json: recorded } = handle
        .prepare('select options_json from batch_uploads where id = ?')
        .get(sessionId) as {
        options_json: string;
      };
      return { file: file!, document, recorded: JSON.parse(recorded) as { ocr: unknown } };
    } finally {
      handle.close();
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

describe.runIf(hasNativeOcr)('serve --ocr, through the built CLI', { tags: ['slow'] }, () => {
  it('--ocr auto: a scanned PDF uploaded through the API ends ingested with its text read by OCR (the flag over TECSALUD_OCR)', async () => {
    const { file, document, recorded } = await processScan(
      ['--ocr', 'auto', '--ocr-engine', 'tesseract'],
      { TECSALUD_OCR: 'off' },
      '6100000021',
      3,
    );
    expect(file).toMatchObject({ filename: scanFilename('6100000021'), outcome: 'ingested' });
    expect(document!.content).toContain(SCAN_PATIENT.expediente);
    expect(document!.content).toContain(SCAN_PATIENT.name);
    expect(document).toMatchObject({ ocr_engine: 'tesseract', ocr_pages: 1 });
    expect(document!.ocr_confidence).toBeGreaterThan(0);
    expect(recorded.ocr).toEqual({ mode: 'auto', engine: 'tesseract', min_confidence: 0.7 });
  }, 120_000);

  it('the events stream says which page of a scan OCR is reading, out of how many, as the dashboard does', async () => {
    const server = await startServe(
      ['--db', db, '--upload-dir', 'uploads', '--quiet', '--ocr-engine', 'tesseract'],
      { cwd: root },
    );
    try {
      const api = apiClient(server.base, token);
      const sessionId = await api.createSession();
      const name = scanFilename('6100000023');
      const scan = await joinScans(await Promise.all([51, 52].map((seed) => makeSmallScan(seed))));
      expect((await api.upload(sessionId, [{ name, bytes: scan }])).status).toBe(200);
      // Followed before processing starts: the stream of a pending session stays open for its run.
      const stream = await api.get(`/${sessionId}/events`);
      expect(stream.status).toBe(200);
      const started = await fetch(`${server.base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(started.status).toBe(202);
      const stages: Record<string, unknown>[] = [];
      for await (const { event, data } of readEvents(stream)) if (event === 'file_stage') stages.push(data);
      const pages = stages.filter((stage) => stage.ocr_page !== null);
      expect(
        pages.map(({ stage, ocr_page, ocr_pages, filename }) => ({ stage, ocr_page, ocr_pages, filename })),
      ).toEqual([
        { stage: 'extract', ocr_page: 1, ocr_pages: 2, filename: name },
        { stage: 'extract', ocr_page: 2, ocr_pages: 2, filename: name },
      ]);
      // The other stages keep the same shape: no page to tell.
      expect(stages.find((stage) => stage.stage === 'match')).toMatchObject({
        ocr_page: null,
        ocr_pages: null,
      });
      expect((await api.status(sessionId)).files[0]).toMatchObject({ outcome: 'ingested' });
      // Documented where a client developer reads the API: its OpenAPI document.
      const openapi = (await (await fetch(new URL('/api/v1/openapi.json', server.base))).json()) as {
        paths: Record<string, { get?: { description?: string } }>;
      };
      expect(openapi.paths['/api/v1/documents/batch/{session_id}/events']?.get?.description).toMatch(
        /`ocr_page`.*`ocr_pages`/,
      );
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 120_000);

  it('--ocr off: the same kind of scan ends image_only, as ingest --ocr off leaves it (the flag over TECSALUD_OCR)', async () => {
    const { file, document, recorded } = await processScan(
      ['--ocr', 'off'],
      { TECSALUD_OCR: 'force' },
      '6100000022',
      22,
    );
    expect(file).toMatchObject({ filename: scanFilename('6100000022'), outcome: 'image_only' });
    expect(document).toBeUndefined();
    expect(recorded.ocr).toMatchObject({ mode: 'off' });
  }, 120_000);
});

describe('serve refuses a bad OCR flag as ingest does', { tags: ['slow'] }, () => {
  it.each([
    [['--ocr', 'sometimes'], /^error: --ocr must be 'auto', 'off' or 'force', not 'sometimes'$/m],
    [['--ocr-min-confidence', '2'], /^error: --ocr-min-confidence must be a number from 0 to 1; got 2$/m],
  ])(
    '%j: exit 64, one clear line, no stack trace, no server',
    async (flags, message) => {
      fs.mkdirSync(path.join(root, 'drop'), { recursive: true });
      const [serve, ingest] = await Promise.all([
        runCli(['serve', '--db', db, '--port', '0', '--upload-dir', 'refused-uploads', ...flags], {
          cwd: root,
        }),
        runCli(['ingest', 'drop', '--db', db, '--non-interactive', ...flags], { cwd: root }),
      ]);
      expect(ingest.code).toBe(64);
      expect(serve.code).toBe(ingest.code);
      expect(serve.stderr).toMatch(message);
      expect(serve.stderr).not.toMatch(/^\s+at /m);
      expect(serve.stderr).not.toMatch(/internal error/);
      expect(serve.stdout).not.toMatch(/listening/);
    },
    60_000,
  );
});
