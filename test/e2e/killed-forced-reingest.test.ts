import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChromaUrl } from '../../src/adapters/vector-stores/chroma/chroma-url.js';
import { ExitCode } from '../../src/errors.js';
import {
  createChromaRegistryWorkspace,
  KILL_TEST_REGISTRIES,
  type ChromaRegistryWorkspace,
} from '../support/chroma-registry-workspace.js';
import { chromaVectorsOf, chromaWanted } from '../support/chroma.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { withRegistryAt } from '../support/databases.js';
import { startHeldWriteProxy } from '../support/held-write-proxy.js';
import { startHttpFaultProxy } from '../support/http-fault-proxy.js';
import { postgresWanted } from '../support/postgres.js';

/**
 * A forced re-ingest into another collection writes the document's new chunks and its row, then takes the old
 * chunks out of the collection they were in. A worker killed between the two left the old copy for good: its
 * file final, nothing swept it (`ingest` sweeps a session it resumes). The job given again does.
 */

const FILE = '3000899337_MARTÍNEZ MEJÍA, FCO. JAVIER_6736522655_ALTA.pdf';
const GROUPED = [
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf',
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6582016577_LAB.pdf',
  '3000791146_HERNÁNDEZ VALDEZ, ERNESTO DAVID_6437917423_MISC.pdf',
];
const POSTGRES = KILL_TEST_REGISTRIES.find((registry) => registry.name === 'PostgreSQL')!;

describe.runIf(postgresWanted() && chromaWanted())(
  'a worker killed between a forced re-ingest and the removal of the old copy',
  { tags: ['slow'] },
  () => {
    let workspace: ChromaRegistryWorkspace;

    beforeAll(async () => {
      workspace = await createChromaRegistryWorkspace({
        prefix: 'tecsalud-killed-forced-',
        registry: POSTGRES,
        files: [FILE],
        ingestExit: ExitCode.Success,
      });
    });
    afterAll(() => workspace?.cleanup());

    it('leaves it to the job given again, which removes it', async () => {
      const { root: cwd, env, chroma } = workspace;
      const document = await withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
        database.db.selectFrom('medicalDocuments').selectAll().executeTakeFirstOrThrow(),
      );
      expect(document.collection).toBe('medical_documents');
      const enqueued = await runCli(
        ['ingest', 'drop', '--enqueue', '--force', '--collection', 'moved_w', '--json'],
        { cwd, env },
      );
      expect(enqueued.code, enqueued.stderr).toBe(ExitCode.Success);

      // The old collection's count, the removal's first request: answered by Chroma, the answer held back.
      const { ChromaClient } = await import('chromadb');
      const client = new ChromaClient({ ...parseChromaUrl(chroma.url), database: chroma.database });
      const old = await client.getCollection({ name: 'medical_documents' });
      const proxy = await startHeldWriteProxy(chroma.url, new RegExp(`/collections/${old.id}/get$`));
      const worker = spawnCli(['worker', '--concurrency', '1'], {
        cwd,
        env: { ...env, CHROMA_URL: proxy.url },
      });
      try {
        await proxy.written;
        worker.kill('SIGKILL');
        await new Promise((resolve) => worker.once('close', resolve));
      } finally {
        worker.kill('SIGKILL');
        proxy.release();
        await proxy.close();
      }
      // What the kill left: the row names moved_w, which holds the chunks; the old copy is still there.
      const moved = await withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
        database.db
          .selectFrom('medicalDocuments')
          .selectAll()
          .where('id', '=', document.id)
          .executeTakeFirstOrThrow(),
      );
      expect(moved.collection).toBe('moved_w');
      expect(await chromaVectorsOf(chroma, document.id, 'moved_w')).toHaveLength(moved.chunksCount);
      expect(await chromaVectorsOf(chroma, document.id)).toHaveLength(document.chunksCount);

      const next = await runCli(['worker', '--until-idle'], { cwd, env, timeoutMs: 120_000 });
      expect(next.code, next.stderr).toBe(ExitCode.Success);
      expect(await chromaVectorsOf(chroma, document.id)).toEqual([]);
      expect(await chromaVectorsOf(chroma, document.id, 'moved_w')).toHaveLength(moved.chunksCount);
    }, 180_000);
  },
);

describe.runIf(chromaWanted())(
  'a forced re-ingest into another collection, a group of files at a time',
  { tags: ['slow'] },
  () => {
    let workspace: ChromaRegistryWorkspace;

    beforeAll(async () => {
      workspace = await createChromaRegistryWorkspace({
        prefix: 'tecsalud-forced-groups-',
        registry: KILL_TEST_REGISTRIES[0],
        files: GROUPED,
        ingestExit: ExitCode.Success,
      });
    });
    afterAll(() => workspace?.cleanup());

    it("lists the store's collections once for the run, not once per group", async () => {
      const { root: cwd, env, chroma } = workspace;
      const proxy = await startHttpFaultProxy({ target: chroma.url, answer: () => null });
      try {
        const forced = await runCli(
          [
            'ingest',
            'drop',
            '--non-interactive',
            '--force',
            '--collection',
            'grouped_y',
            '--store-batch-size',
            '1',
          ],
          { cwd, env: { ...env, CHROMA_URL: proxy.url } },
        );
        expect(forced.code, forced.stderr).toBe(ExitCode.Success);
        const lists = proxy.seen.filter(
          (request) => request.method === 'GET' && /\/collections(\?.*)?$/.test(request.path),
        );
        expect(lists).toHaveLength(1);
      } finally {
        await proxy.close();
      }
      const ids = await withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
        database.db.selectFrom('medicalDocuments').select(['id', 'collection']).execute(),
      );
      expect(ids).toHaveLength(GROUPED.length);
      for (const { id, collection } of ids) {
        expect(collection).toBe('grouped_y');
        expect(await chromaVectorsOf(chroma, id)).toEqual([]);
        expect(await chromaVectorsOf(chroma, id, 'grouped_y')).not.toEqual([]);
      }
    });
  },
);
