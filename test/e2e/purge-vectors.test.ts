import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromaStore } from '../../src/adapters/vector-stores/chroma/chroma-store.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * `cleanup --purge` deletes a session's documents "with their vectors". A document that a `--type complete`
 * session re-ingested with --force keeps the vectors an earlier session gave it (its row says so): purging
 * that session must delete them too, or the patient's purged note stays in Chroma for every search.
 */

const FILE = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';

describe.runIf(chromaWanted())(
  'cleanup --purge of a session that re-ingested a vectorized document as complete',
  { tags: ['slow'] },
  () => {
    let root: string;
    let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      root = createTempDir('tecsalud-purge-vectors-');
      fs.mkdirSync(path.join(root, 'drop'));
      fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(root, 'drop', FILE));
      chroma = await createScratchChromaDatabase();
      env = {
        TECSALUD_DB: path.join(root, 'registry.db'),
        TECSALUD_VECTOR_STORE: 'chroma',
        CHROMA_URL: chroma.url,
        CHROMA_DATABASE: chroma.database,
      };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
    });
    afterAll(async () => {
      await chroma?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('deletes the vectors the document kept from the earlier session', async () => {
      const ingest = async (...args: string[]) => {
        const run = await runCli(['ingest', 'drop', '--non-interactive', '--json', ...args], {
          cwd: root,
          env,
        });
        expect(run.code, run.stderr).toBe(ExitCode.Success);
        return JSON.parse(run.stdout) as { session_id: string; files: { document_id: string }[] };
      };
      const vectorized = await ingest('--type', 'vectorized');
      const documentId = vectorized.files[0]!.document_id;
      const complete = await ingest('--type', 'complete', '--force');
      expect(complete.files[0]!.document_id).toBe(documentId);

      const store = await createChromaStore({
        url: chroma.url,
        database: chroma.database,
        collection: 'medical_documents',
      });
      try {
        expect((await store.readDocument(documentId)).length).toBeGreaterThan(0);
        const purged = await runCli(['cleanup', complete.session_id, '--purge', '--force'], {
          cwd: root,
          env,
        });
        expect(purged.code, purged.stderr).toBe(0);
        expect(purged.stdout).toContain('1 documents purged with their vectors');
        expect(await store.readDocument(documentId)).toEqual([]);
      } finally {
        await store.close();
      }
    });
  },
);
