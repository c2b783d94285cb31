import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, chromaVectorsOf, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../support/http-fault-proxy.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { ID_CONFLICT_FILE } from '../review/support/ingested-sample.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';

/**
 * Undo in `review` while Chroma refuses to delete: the screen says "undo not done … press u again", so nothing
 * of the undo may stand. The rows used to be reverted first and the vectors deleted after: the document left
 * the registry, its chunks stayed in Chroma under the patient the reviewer had just taken it off (a search for
 * that patient found them), and u again found nothing to undo.
 */

const ATTACHED_TO = '3000147773';

describe.runIf(chromaWanted() && (hasTmux() || process.env.CI))(
  'review undo while Chroma refuses deletes',
  { tags: ['slow'] },
  () => {
    let root: string;
    let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
    let proxy: HttpFaultProxy;
    let refuseDeletes = false;
    let env: Record<string, string>;
    let pane: TmuxPane | undefined;

    beforeAll(async () => {
      root = createTempDir('tecsalud-review-undo-');
      fs.mkdirSync(path.join(root, 'drop'));
      fs.copyFileSync(path.join(SAMPLE_DIR, ID_CONFLICT_FILE), path.join(root, 'drop', ID_CONFLICT_FILE));
      chroma = await createScratchChromaDatabase();
      proxy = await startHttpFaultProxy({
        target: chroma.url,
        answer: (request) =>
          refuseDeletes && request.method === 'POST' && /\/delete$/.test(request.path)
            ? { status: 503, body: { error: 'Service Unavailable', message: 'overloaded' } }
            : null,
      });
      env = {
        TECSALUD_DB: path.join(root, 'registry.db'),
        TECSALUD_VECTOR_STORE: 'chroma',
        CHROMA_URL: proxy.url,
        CHROMA_DATABASE: chroma.database,
      };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(ExitCode.ReviewPending);
    });
    afterAll(async () => {
      pane?.close();
      await proxy?.close();
      await chroma?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    async function registry() {
      const database = await openDatabase(resolveDatabaseTarget(env.TECSALUD_DB!, { cwd: root }));
      try {
        return {
          document: await database.db
            .selectFrom('medicalDocuments')
            .selectAll()
            .where('filename', '=', ID_CONFLICT_FILE)
            .executeTakeFirst(),
          file: await database.db
            .selectFrom('batchFiles')
            .selectAll()
            .where('filename', '=', ID_CONFLICT_FILE)
            .executeTakeFirstOrThrow(),
        };
      } finally {
        await database.close();
      }
    }

    const vectorsOf = (documentId: string) => chromaVectorsOf(chroma, documentId);

    it('a refused undo leaves the attach whole, vectors and rows; u again undoes both', async () => {
      const review = launchInTmux(
        `tecsalud-undo-${process.pid}`,
        root,
        ['review', '--user', 'revisora', '--lang', 'en'],
        env,
      );
      pane = review;
      // The case drawn (its candidates), not only its header, which shows while the case loads.
      await review.waitFor(/Review 1 of 1[\s\S]*Candidates \(/);
      await review.pastKeyGuard();
      review.type('1');
      await review.waitFor(`✓ attached to ${ATTACHED_TO}`);
      const attached = await registry();
      expect(attached.document).toMatchObject({ expediente: ATTACHED_TO });
      const documentId = attached.document!.id;
      const chunks = (await vectorsOf(documentId)).length;
      expect(chunks).toBeGreaterThan(0);

      refuseDeletes = true;
      await review.pastKeyGuard();
      review.type('u');
      await review.waitFor(/✗ undo not done: .*Chroma/s);
      // "Not done": the document is still attached, and its chunks still say so — all of them.
      const refused = await registry();
      expect(refused.document).toMatchObject({ id: documentId, expediente: ATTACHED_TO });
      expect(refused.file.documentId).toBe(documentId);
      const kept = await vectorsOf(documentId);
      expect(kept).toHaveLength(chunks);
      for (const vector of kept) expect(vector.metadata.expediente).toBe(ATTACHED_TO);

      refuseDeletes = false;
      await review.pastKeyGuard();
      review.type('u');
      await review.waitFor('undid the attach');
      const undone = await registry();
      expect(undone.document).toBeUndefined();
      expect(undone.file).toMatchObject({ matchingStatus: 'review_required', documentId: null });
      expect(await vectorsOf(documentId)).toEqual([]);

      await review.pastKeyGuard();
      review.type('q');
      await review.waitFor('EXITED');
    });
  },
);
