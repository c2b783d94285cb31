import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createCommandContext } from '../../src/commands/context.js';
import { runDoctor } from '../../src/commands/doctor.js';
import { ExitCode } from '../../src/errors.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';

interface Report {
  healthy: boolean;
  checks: { name: string; status: string; detail: string }[];
  config: Record<string, unknown>;
}

describe('doctor', () => {
  let cwd: string;
  let server: FakeOpenAiServer;
  beforeEach(async () => {
    cwd = createTempDir('tecsalud-doctor-');
    // An empty file is an empty SQLite database: there, but not migrated yet (doctor never creates one).
    fs.writeFileSync(`${cwd}/registry.db`, '');
    server = await startFakeOpenAiServer({ dimension: 8, apiKey: 'sk-doctor-secret' });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (options: Record<string, string | undefined>, env: NodeJS.ProcessEnv = {}) => {
    const capture = captureIo();
    const { db, ...flags } = options;
    const context = await createCommandContext(
      { cwd, env, io: capture.io, stdin: process.stdin },
      { db, ...flags },
      { readConfig: true, reportsConfigErrors: true },
    );
    const code = await runDoctor({ json: true }, context);
    return { code, report: JSON.parse(capture.stdout()) as Report, raw: capture.stdout() };
  };
  const status = (report: Report, name: string) => report.checks.find((c) => c.name === name);

  it('is healthy on the embedded defaults, and says what it checked', async () => {
    const { code, report } = await run({ db: 'registry.db' });
    expect(code).toBe(ExitCode.Success);
    expect(report.healthy).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      'config',
      'database',
      'embedder',
      'vector store',
      'workdir',
      'pdftotext',
      'ocr',
      'tesseract',
      'permissions',
    ]);
    expect(status(report, 'ocr')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(
        /^tesseract\.js 7\.\S+ with spa, eng data from npm packages \(no download\)$/,
      ),
    });
    // The native engine is optional: reported either way, never unhealthy unless configured.
    expect(status(report, 'tesseract')?.detail).toMatch(/^(available \(\d|not available: needs )/);
    expect(status(report, 'embedder')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('hashing-v1'),
    });
    expect(status(report, 'vector store')?.status).toBe('warn'); // no collection yet
  });

  it('checks a remote embedder with a tiny call and never prints its key', async () => {
    const env = { OPENAI_API_KEY: 'sk-doctor-secret', OPENAI_BASE_URL: `${server.url}/v1` };
    const good = await run(
      {
        db: 'registry.db',
        embedder: 'openai',
        embeddingModel: 'text-embedding-3-small',
        embeddingDimensions: '8',
      },
      env,
    );
    expect(status(good.report, 'embedder')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('openai:text-embedding-3-small@8'),
    });
    expect(server.requests).toHaveLength(1);
    expect(good.raw).not.toContain('sk-doctor-secret');

    const bad = await run(
      { db: 'registry.db', embedder: 'openai', embeddingDimensions: '8' },
      { ...env, OPENAI_API_KEY: 'sk-wrong-secret' },
    );
    expect(bad.code).toBe(ExitCode.ServiceUnavailable);
    expect(status(bad.report, 'embedder')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/refused the API key/),
    });
    expect(bad.raw).not.toContain('sk-wrong-secret');
  });

  it('judges native tesseract by the engine the runs will use, TECSALUD_OCR_ENGINE included', async () => {
    // No language data where tesseract looks: it cannot read Spanish.
    const saved = process.env.TESSDATA_PREFIX;
    process.env.TESSDATA_PREFIX = createTempDir('tecsalud-no-tessdata-');
    try {
      const chosen = await run({ db: 'registry.db' }, { TECSALUD_OCR_ENGINE: 'tesseract' });
      expect(status(chosen.report, 'tesseract')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/the runs are set to use it/),
      });
      expect(chosen.report.healthy).toBe(false);
      const optional = await run({ db: 'registry.db' });
      expect(status(optional.report, 'tesseract')?.status).toBe('warn');
    } finally {
      if (saved === undefined) delete process.env.TESSDATA_PREFIX;
      else process.env.TESSDATA_PREFIX = saved;
    }
  });

  it('checks that the nightly run can write its log and its folders (64 when it could not)', async () => {
    fs.mkdirSync(`${cwd}/logs`);
    fs.writeFileSync(`${cwd}/archive-file`, '');
    const doctorWith = async (files: Record<string, string>) => {
      const capture = captureIo();
      const context = await createCommandContext(
        { cwd, env: {}, io: capture.io, stdin: process.stdin },
        { db: 'registry.db' },
        { readConfig: true, reportsConfigErrors: true },
      );
      const code = await runDoctor({ json: true, ...files }, context);
      return { code, report: JSON.parse(capture.stdout()) as Report };
    };
    const bad = await doctorWith({ logFile: 'logs', archiveDir: 'archive-file' });
    expect(bad.code).toBe(ExitCode.Usage);
    expect(status(bad.report, 'run files')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /--log-file logs is a folder; --archive-dir archive-file is a file, not a folder/,
      ),
    });
    const good = await doctorWith({
      logFile: 'logs/ingest.log',
      archiveDir: 'archive',
      quarantineDir: 'quarantine',
    });
    expect(status(good.report, 'run files')?.status).toBe('ok');
    expect(good.code, JSON.stringify(good.report)).toBe(ExitCode.Success);
  });

  it('fails, with exit 69, when the vector store or the database cannot be reached', async () => {
    const chroma = await run({ db: 'registry.db', vectorStore: 'chroma', chromaUrl: 'http://127.0.0.1:9' });
    expect(chroma.code).toBe(ExitCode.ServiceUnavailable);
    expect(status(chroma.report, 'vector store')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/cannot reach the Chroma server/),
    });
    expect(status(chroma.report, 'database')?.status).toBe('warn'); // an empty file: not migrated yet

    const postgres = await run({ db: 'postgres://someone:pg-secret@127.0.0.1:9/registry' });
    expect(postgres.code).toBe(ExitCode.ServiceUnavailable);
    expect(status(postgres.report, 'database')).toMatchObject({ status: 'fail' });
    expect(postgres.raw).not.toContain('pg-secret');
  });

  it('fails on a broken config file without hiding the other checks', async () => {
    fs.writeFileSync(`${cwd}/tecsalud-batch.config.json`, JSON.stringify({ vectorStore: 'pinecone' }));
    const { code, report } = await run({});
    // The configuration's to fix, as every other command says of it: not a server down.
    expect(code).toBe(ExitCode.Usage);
    expect(status(report, 'config')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("vectorStore must be 'embedded' or 'chroma'"),
    });
    expect(status(report, 'workdir')?.status).toBe('ok');
  });
});
