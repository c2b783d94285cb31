import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChromaUrl } from '../../src/adapters/vector-stores/chroma/chroma-url.js';
import { ExitCode } from '../../src/errors.js';
import {
  createChromaRegistryWorkspace,
  KILL_TEST_REGISTRIES,
  type ChromaRegistryWorkspace,
} from '../support/chroma-registry-workspace.js';
import { chromaVectorsOf, chromaWanted } from '../support/chroma.js';
import { finishedRun, runCli, spawnCli } from '../support/cli-binary.js';
import { withRegistryAt } from '../support/databases.js';
import { startHeldWriteProxy } from '../support/held-write-proxy.js';
import { startHttpFaultProxy } from '../support/http-fault-proxy.js';
import { postgresWanted } from '../support/postgres.js';

/**
 * A forced re-ingest into another collection writes the document's new chunks, takes the old ones out of the
 * collection they were in, and writes its row. A worker killed in between left the old copy for good when the row
 * came first (its file final, the job given again a no-op): now the file is not final until the old copy is gone,
 * and the job given again writes it again. Two runs writing one content into two collections at once, and the
 * collections listed per group, below.
 */

const FILE = '3000899337_MARTÍNEZ MEJÍA, FCO. JAVIER_6736522655_ALTA.pdf';
const RACED = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf';
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

    it('leaves the file to the job given again, which ends with one copy', async () => {
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
      // What the kill left: the new chunks in moved_w, the old ones still in the old collection.
      expect(await chromaVectorsOf(chroma, document.id, 'moved_w')).not.toEqual([]);
      expect(await chromaVectorsOf(chroma, document.id)).toHaveLength(document.chunksCount);

      const next = await runCli(['worker', '--until-idle'], { cwd, env, timeoutMs: 120_000 });
      expect(next.code, next.stderr).toBe(ExitCode.Success);
      const moved = await withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
        database.db
          .selectFrom('medicalDocuments')
          .selectAll()
          .where('id', '=', document.id)
          .executeTakeFirstOrThrow(),
      );
      expect(moved.collection).toBe('moved_w');
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

describe.runIf(chromaWanted())(
  'two forced runs writing one content into two collections at once',
  { tags: ['slow'] },
  () => {
    let workspace: ChromaRegistryWorkspace;

    beforeAll(async () => {
      workspace = await createChromaRegistryWorkspace({
        prefix: 'tecsalud-forced-race-',
        registry: KILL_TEST_REGISTRIES[0],
        files: [RACED],
        ingestExit: ExitCode.Success,
      });
      for (const folder of ['a', 'b']) {
        fs.mkdirSync(path.join(workspace.root, folder));
        fs.copyFileSync(path.join(workspace.root, 'drop', RACED), path.join(workspace.root, folder, RACED));
      }
    });
    afterAll(() => workspace?.cleanup());

    it('hold the second back for its next run, and the document ends in one collection', async () => {
      const { root: cwd, env, chroma } = workspace;
      const forced = (folder: string, collection: string) => [
        'ingest',
        folder,
        '--non-interactive',
        '--force',
        '--collection',
        collection,
      ];
      const row = () =>
        withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
          database.db.selectFrom('medicalDocuments').selectAll().executeTakeFirstOrThrow(),
        );
      const { id, chunksCount } = await row();
      // The first run's chunks are in race_y, Chroma's answer held back: its file is not final yet.
      const proxy = await startHeldWriteProxy(chroma.url, /\/upsert$/);
      const first = spawnCli(forced('a', 'race_y'), { cwd, env: { ...env, CHROMA_URL: proxy.url } });
      try {
        await proxy.written;
        const second = await runCli(forced('b', 'race_z'), { cwd, env });
        expect(second.stdout).toContain('1 left for the next run');
        const held = await withRegistryAt(cwd, env.TECSALUD_DB!, (database) =>
          database.db
            .selectFrom('batchFiles')
            .select(['outcome', 'errorMessage'])
            .where('relativePath', '=', RACED)
            .orderBy('createdAt', 'desc')
            .executeTakeFirstOrThrow(),
        );
        expect(held.outcome).toBe('interrupted');
        expect(held.errorMessage).toMatch(
          /^another run \(session \w{8}\) is writing the same content into collection "race_y"/,
        );
      } finally {
        proxy.release();
      }
      const done = await finishedRun(first);
      await proxy.close();
      expect(done.code, done.stderr).toBe(ExitCode.Success);
      expect(await row()).toMatchObject({ id, collection: 'race_y' });
      expect(await chromaVectorsOf(chroma, id, 'race_y')).toHaveLength(chunksCount);
      expect(await chromaVectorsOf(chroma, id, 'race_z')).toEqual([]);
      expect(await chromaVectorsOf(chroma, id)).toEqual([]);

      // Its next run writes it where it asks, and takes it out of race_y: one copy still.
      const again = await runCli(forced('b', 'race_z'), { cwd, env });
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      expect(await row()).toMatchObject({ id, collection: 'race_z' });
      expect(await chromaVectorsOf(chroma, id, 'race_z')).toHaveLength(chunksCount);
      expect(await chromaVectorsOf(chroma, id, 'race_y')).toEqual([]);
    }, 180_000);
  },
);
