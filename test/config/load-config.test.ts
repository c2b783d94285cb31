import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CONFIG_FILE_NAME, loadBackendConfig } from '../../src/config/load-config.js';
import { redactConfig, redactSecrets } from '../../src/config/redact-config.js';
import { UsageError } from '../../src/errors.js';
import { createTempDir } from '../support/databases.js';

describe('loadBackendConfig', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = createTempDir('tecsalud-config-');
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const writeConfig = (value: unknown, name = CONFIG_FILE_NAME) =>
    fs.writeFileSync(path.join(cwd, name), typeof value === 'string' ? value : JSON.stringify(value));

  it('defaults to the embedded backends with nothing configured', async () => {
    const config = await loadBackendConfig({ cwd, env: {} });
    expect(config).toMatchObject({
      file: null,
      db: undefined,
      vectorStore: 'embedded',
      collection: 'medical_documents',
      embedder: 'hashing',
      chroma: { url: 'http://localhost:8000' },
    });
    expect(config.sources.vectorStore).toBe('default');
  });

  it('names the model and dimensions given for the hashing embedder, which uses neither, as they were written', async () => {
    expect((await loadBackendConfig({ cwd, env: {} })).ignoredEmbeddingSettings).toEqual([]);
    const fromEnv = await loadBackendConfig({
      cwd,
      env: { TECSALUD_EMBEDDING_MODEL: 'text-embedding-3-small', TECSALUD_EMBEDDING_DIMENSIONS: '256' },
    });
    expect(fromEnv.ignoredEmbeddingSettings).toEqual([
      'TECSALUD_EMBEDDING_MODEL',
      'TECSALUD_EMBEDDING_DIMENSIONS',
    ]);
    writeConfig({ embedding: { model: 'm', dimensions: 8 } });
    expect((await loadBackendConfig({ cwd, env: {} })).ignoredEmbeddingSettings).toEqual([
      'embedding.model',
      'embedding.dimensions',
    ]);
    const flags = await loadBackendConfig({
      cwd,
      env: {},
      embedder: 'hashing',
      embeddingModel: 'm',
      embeddingDimensions: '8',
    });
    expect(flags.ignoredEmbeddingSettings).toEqual(['--embedding-model', '--embedding-dimensions']);
    // A remote embedder uses them.
    const remote = await loadBackendConfig({ cwd, env: { TECSALUD_EMBEDDER: 'openai' } });
    expect(remote.ignoredEmbeddingSettings).toEqual([]);
  });

  it('takes flags over the environment, the environment over the file, the file over defaults', async () => {
    writeConfig({
      db: 'postgres://file@db/registry',
      vectorStore: 'chroma',
      chroma: { url: 'http://file:8000' },
      collection: 'from_file',
      embedder: 'azure',
      embedding: { model: 'file-model' },
      azure: { endpoint: 'https://file.openai.azure.test', deployment: 'file-dep' },
    });
    const env = {
      CHROMA_URL: 'http://env:8000',
      TECSALUD_EMBEDDER: 'openai',
      OPENAI_API_KEY: 'sk-env',
      TECSALUD_COLLECTION: 'from_env',
    };
    const config = await loadBackendConfig({
      cwd,
      env,
      collection: 'from_flag',
      embeddingModel: 'flag-model',
    });
    expect(config.file).toBe(path.join(cwd, CONFIG_FILE_NAME));
    expect(config).toMatchObject({
      db: 'postgres://file@db/registry',
      vectorStore: 'chroma',
      chroma: { url: 'http://env:8000' },
      collection: 'from_flag',
      embedder: 'openai',
      embedding: { model: 'flag-model' },
      openai: { apiKey: 'sk-env' },
      azure: { endpoint: 'https://file.openai.azure.test', deployment: 'file-dep' },
    });
    expect(config.sources).toMatchObject({
      db: 'file',
      vectorStore: 'file',
      chromaUrl: 'env',
      collection: 'flag',
      embedder: 'env',
      embeddingModel: 'flag',
    });
    const flagged = await loadBackendConfig({
      cwd,
      env: { TECSALUD_DB: 'env.db' },
      db: 'flag.db',
      vectorStore: 'embedded',
    });
    expect([flagged.db, flagged.vectorStore]).toEqual(['flag.db', 'embedded']);
    expect((await loadBackendConfig({ cwd, env: { TECSALUD_DB: 'env.db' } })).db).toBe('env.db');
  });

  it('reads --config from another place, and insists that it exists', async () => {
    writeConfig({ embedder: 'openai' }, 'elsewhere.json');
    expect((await loadBackendConfig({ cwd, env: {}, config: 'elsewhere.json' })).embedder).toBe('openai');
    await expect(loadBackendConfig({ cwd, env: {}, config: 'missing.json' })).rejects.toThrow(
      /cannot read the config file/,
    );
  });

  it('explains what is wrong with a config file', async () => {
    writeConfig({ vectorStore: 'pinecone' });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(
      "tecsalud-batch.config.json: vectorStore must be 'embedded' or 'chroma', not 'pinecone'",
    );
    writeConfig({ embedder: 'openai', colection: 'x' });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(/unknown key 'colection'/);
    writeConfig({ embedding: { dimensions: 1.5 } });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(
      /embedding.dimensions must be a whole number/,
    );
    writeConfig('{ "embedder": ');
    const error = await loadBackendConfig({ cwd, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/tecsalud-batch.config.json is not valid JSON/);
    // Where, and what JSON wants: a person fixing it by hand needs both.
    writeConfig('{\n  "db": "x.db",\n  collection: "y"\n}\n');
    const unquoted = (await loadBackendConfig({ cwd, env: {} }).catch((e: unknown) => e)) as UsageError;
    expect(unquoted.message).toMatch(/is not valid JSON at line 3, column 3: /);
    expect(unquoted.hint).toMatch(/double-quoted keys/);
  });

  it('reads the embedding request settings, within the API’s limit', async () => {
    writeConfig({ embedding: { batchSize: 150, batchWindowMs: 250 } });
    expect((await loadBackendConfig({ cwd, env: {} })).embedding).toMatchObject({
      batchSize: 150,
      batchWindowMs: 250,
    });
    writeConfig({ embedding: { batchSize: 4096 } });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(
      'embedding.batchSize must be a whole number from 1 to 2048; got 4096',
    );
    writeConfig({ embedding: { batchWindowMs: -5 } });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(
      'embedding.batchWindowMs must be a whole number from 0 up; got -5',
    );
  });

  it('reads trustContent (issue 15) as a boolean, and refuses anything else', async () => {
    expect((await loadBackendConfig({ cwd, env: {} })).trustContent).toBeUndefined();
    writeConfig({ trustContent: true });
    expect((await loadBackendConfig({ cwd, env: {} })).trustContent).toBe(true);
    writeConfig({ trustContent: 'yes' });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(/trustContent must be true or false/);
  });

  it('reads the patient-data settings: owner-only files and a 5-year retention unless the file says otherwise', async () => {
    expect(await loadBackendConfig({ cwd, env: {} })).toMatchObject({ fileMode: 'owner', retentionYears: 5 });
    writeConfig({ fileMode: 'group', retentionYears: 10 });
    expect(await loadBackendConfig({ cwd, env: {} })).toMatchObject({
      fileMode: 'group',
      retentionYears: 10,
    });
    writeConfig({ fileMode: 'world' });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow("fileMode must be 'owner' or 'group'");
    writeConfig({ retentionYears: -1 });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(
      'retentionYears must be a whole number from 0 up; got -1',
    );
  });

  it('checks flag and environment values too', async () => {
    await expect(loadBackendConfig({ cwd, env: { TECSALUD_VECTOR_STORE: 'milvus' } })).rejects.toThrow(
      "TECSALUD_VECTOR_STORE must be 'embedded' or 'chroma', not 'milvus'",
    );
    await expect(loadBackendConfig({ cwd, env: {}, embedder: 'cohere' })).rejects.toThrow(
      /--embedder must be/,
    );
    await expect(loadBackendConfig({ cwd, env: {}, embeddingDimensions: 'many' })).rejects.toThrow(
      /--embedding-dimensions must be a whole number in plain decimal digits, not 'many'/,
    );
  });

  it('never shows secrets', async () => {
    writeConfig({ openai: { apiKey: 'sk-file-secret' }, db: 'postgres://app:hunter2@db:5432/registry' });
    const config = await loadBackendConfig({
      cwd,
      env: { AZURE_OPENAI_API_KEY: 'azure-secret-key', CHROMA_URL: 'http://user:chroma-pass@chroma:8000' },
    });
    const shown = JSON.stringify(redactConfig(config));
    for (const secret of ['sk-file-secret', 'hunter2', 'azure-secret-key', 'chroma-pass'])
      expect(shown).not.toContain(secret);
    expect(shown).toContain('postgres://app:***@db:5432/registry');
    expect(redactSecrets('failed with key sk-file-secret and azure-secret-key', config)).toBe(
      'failed with key *** and ***',
    );
  });

  it('reads the Chroma token, its header and the request timeouts: flag over environment over file', async () => {
    writeConfig({
      chroma: { authToken: 'file-token', authHeader: 'X-Chroma-Token', timeoutSeconds: 12 },
      embedding: { timeoutSeconds: 45 },
    });
    const fromFile = await loadBackendConfig({ cwd, env: {} });
    expect(fromFile.chroma).toMatchObject({
      authToken: 'file-token',
      authHeader: 'X-Chroma-Token',
      timeoutSeconds: 12,
    });
    expect(fromFile.embedding.timeoutSeconds).toBe(45);

    const fromEnv = await loadBackendConfig({
      cwd,
      env: {
        CHROMA_AUTH_TOKEN: 'env-token',
        CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: 'authorization',
        TECSALUD_CHROMA_TIMEOUT: '2.5',
        TECSALUD_EMBEDDING_TIMEOUT: '7',
      },
    });
    expect(fromEnv.chroma).toMatchObject({
      authToken: 'env-token',
      authHeader: 'Authorization',
      timeoutSeconds: 2.5,
    });
    expect(fromEnv.embedding.timeoutSeconds).toBe(7);

    const fromFlag = await loadBackendConfig({
      cwd,
      env: { CHROMA_AUTH_TOKEN: 'env-token' },
      chromaToken: 'flag-token',
    });
    expect(fromFlag.chroma.authToken).toBe('flag-token');
    const shown = JSON.stringify(redactConfig(fromFlag));
    expect(shown).not.toContain('flag-token');
    expect(redactSecrets('refused flag-token', fromFlag)).toBe('refused ***');
  });

  it('refuses a timeout that is not a positive number of seconds, and a header Chroma does not read', async () => {
    await expect(loadBackendConfig({ cwd, env: { TECSALUD_CHROMA_TIMEOUT: '0' } })).rejects.toThrow(
      'TECSALUD_CHROMA_TIMEOUT must be a number above 0; got 0',
    );
    await expect(loadBackendConfig({ cwd, env: { TECSALUD_EMBEDDING_TIMEOUT: 'soon' } })).rejects.toThrow(
      /TECSALUD_EMBEDDING_TIMEOUT must be/,
    );
    await expect(
      loadBackendConfig({ cwd, env: { CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: 'X-Api-Key' } }),
    ).rejects.toThrow(/CHROMA_AUTH_TOKEN_TRANSPORT_HEADER must be 'Authorization' or 'X-Chroma-Token'/);
    writeConfig({ chroma: { authHeader: 'Cookie' } });
    await expect(loadBackendConfig({ cwd, env: {} })).rejects.toThrow(/chroma.authHeader must be/);
  });
});
