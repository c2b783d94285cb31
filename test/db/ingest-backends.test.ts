import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ingest } from '../../src/commands/ingest.js';
import { importPatients } from '../../src/commands/patients/import.js';
import { searchDocuments } from '../../src/commands/search.js';
import { loadBackendConfig } from '../../src/config/load-config.js';
import { openVectorStore } from '../../src/app/open-backends.js';
import { commandContext } from '../support/command-context.js';
import { inProcessExtractor } from '../support/ingest-fixture.js';
import { DocumentRepository } from '../../src/db/repositories/document-repository.js';
import {
  captureIo,
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = path.join(ROOT, 'fixtures/sample');
const REGISTRY = path.join(ROOT, 'fixtures/registry.csv');
const KEY = 'sk-e2e-fake';

/** Every database with every vector store it can hold (the embedded one lives only in SQLite). */
const COMBINATIONS = DATABASE_KINDS.flatMap((db) => [
  ...(db === 'sqlite' ? [{ db, store: 'embedded' as const }] : []),
  ...(chromaWanted() ? [{ db, store: 'chroma' as const }] : []),
]);

describe.each(COMBINATIONS)(
  'ingest with the OpenAI embedder on $db + $store',
  { tags: ['slow'] },
  ({ db, store }) => {
    let cwd: string;
    let database: TestDatabase;
    let server: FakeOpenAiServer;
    let dropChroma: (() => Promise<void>) | null = null;
    let env: NodeJS.ProcessEnv;

    beforeEach(async () => {
      cwd = createTempDir('tecsalud-e2e-');
      database = await createTestDatabase(db);
      server = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
      env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${server.url}/v1`, TECSALUD_DB: database.url };
      if (store === 'chroma') {
        const scratch = await createScratchChromaDatabase();
        dropChroma = scratch.drop;
        env = { ...env, CHROMA_URL: scratch.url, CHROMA_DATABASE: scratch.database };
      }
      // The backend choice comes from the config file here, the secrets from the environment.
      fs.writeFileSync(
        path.join(cwd, 'tecsalud-batch.config.json'),
        JSON.stringify({
          vectorStore: store,
          embedder: 'openai',
          embedding: { model: 'text-embedding-3-small', dimensions: 16 },
        }),
      );
    });
    afterEach(async () => {
      await server.close();
      await dropChroma?.();
      dropChroma = null;
      await database.cleanup();
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    it('ingests the sample, finds it again, and stores nothing twice on a re-run', async () => {
      expect(await importPatients(REGISTRY, {}, await commandContext({ cwd, env }))).toBe(0);
      const first = captureIo();
      await ingest(
        SAMPLE,
        { json: true, nonInteractive: true },
        await commandContext({ cwd, env, io: first.io, extractor: inProcessExtractor }),
      );
      const report = JSON.parse(first.stdout()) as {
        processed_files: number;
        files: { chunks: number | null }[];
      };
      expect(report.processed_files).toBe(23);
      const chunks = report.files.reduce((sum, f) => sum + (f.chunks ?? 0), 0);
      expect(chunks).toBeGreaterThan(50);
      expect(server.requests.length).toBeGreaterThan(0);
      expect(
        server.requests.every((r) => r.body.model === 'text-embedding-3-small' && r.body.dimensions === 16),
      ).toBe(true);

      const opened = await database.open();
      try {
        const documents = await new DocumentRepository(opened.db).countAll();
        expect(documents).toBeGreaterThan(10);
        const backends = await loadBackendConfig({ cwd, env });
        const vectors = await openVectorStore(opened, backends);
        expect(await vectors.count()).toBe(chunks);
        expect(await vectors.describeCollection()).toMatchObject({
          embedderId: 'openai:text-embedding-3-small@16',
          dimension: 16,
        });
        await vectors.close();

        const again = captureIo();
        await ingest(
          SAMPLE,
          { json: true, nonInteractive: true },
          await commandContext({ cwd, env, io: again.io, extractor: inProcessExtractor }),
        );
        expect((JSON.parse(again.stdout()) as { duplicates: number }).duplicates).toBeGreaterThan(10);
        expect(await new DocumentRepository(opened.db).countAll()).toBe(documents);
        const reread = await openVectorStore(opened, backends);
        expect(await reread.count()).toBe(chunks);
        await reread.close();
      } finally {
        await opened.close();
      }

      const search = captureIo();
      await searchDocuments(
        'biometría hemática',
        { limit: '3', json: true },
        await commandContext({ cwd, env, io: search.io }),
      );
      expect((JSON.parse(search.stdout()) as { results: unknown[] }).results).toHaveLength(3);
    });
  },
);
