import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { ID_CONFLICT_FILE } from '../review/support/ingested-sample.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';

/**
 * A document attached in `review --collection reviewed` has its chunks in "reviewed", while its session
 * records the collection it was ingested into. `documents move` looked only there, found no chunk, moved the
 * row and left the chunks in "reviewed" under the old patient: a search of that collection for the old patient
 * found the note, and the new patient's search did not. `cleanup --purge` of the session left them there too.
 */

const ATTACHED_TO = '3000147773';
const MOVED_TO = '3000001298';

describe.runIf(hasTmux() || process.env.CI)(
  'documents move of a document attached in review --collection',
  { tags: ['slow'] },
  () => {
    let root: string;
    let pane: TmuxPane | undefined;
    const env = { TECSALUD_DB: 'registry.db' };

    beforeAll(async () => {
      root = createTempDir('tecsalud-collection-move-');
      fs.mkdirSync(path.join(root, 'drop'));
      fs.copyFileSync(path.join(SAMPLE_DIR, ID_CONFLICT_FILE), path.join(root, 'drop', ID_CONFLICT_FILE));
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive'], { cwd: root, env });
      expect(ingested.code, ingested.stderr).toBe(ExitCode.ReviewPending);
    });
    afterAll(() => {
      pane?.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('moves the chunks in the collection that holds them', async () => {
      const review = launchInTmux(
        `tecsalud-collection-${process.pid}`,
        root,
        ['review', '--collection', 'reviewed', '--lang', 'en'],
        env,
      );
      pane = review;
      await review.waitFor(/Review 1 of 1/);
      await review.pastKeyGuard();
      review.type('1');
      await review.waitFor(`✓ attached to ${ATTACHED_TO}`);
      await review.pastKeyGuard();
      review.type('q');
      await review.waitFor('EXITED');

      const search = async (expediente: string) => {
        const found = await runCli(
          ['search', 'reporte de laboratorio', '--collection', 'reviewed', '--patient', expediente, '--json'],
          {
            cwd: root,
            env,
          },
        );
        expect(found.code, found.stderr).toBe(0);
        return JSON.parse(found.stdout) as {
          results: { metadata: { document_id: string } }[];
          left_out: unknown[];
        };
      };
      const before = await search(ATTACHED_TO);
      expect(before.results.length).toBeGreaterThan(0);
      const documentId = before.results[0]!.metadata.document_id;
      const chunks = new Set(before.results.map((r) => r.metadata.document_id)).size;
      expect(chunks).toBe(1);

      const moved = await runCli(['documents', 'move', documentId.slice(0, 8), '--to', MOVED_TO], {
        cwd: root,
        env,
      });
      expect(moved.code, moved.stderr).toBe(0);
      expect(moved.stdout).toMatch(new RegExp(`to ${MOVED_TO} .* with its \\d+ chunks\\.`));
      expect(await search(ATTACHED_TO)).toEqual({
        query: 'reporte de laboratorio',
        results: [],
        left_out: [],
        out_of_line: [],
      });
      const after = await search(MOVED_TO);
      expect(after.left_out).toEqual([]);
      expect(after.results.map((r) => r.metadata.document_id)).toContain(documentId);
    });

    it('cleanup --purge deletes them from that collection too', async () => {
      const [session] = JSON.parse((await runCli(['sessions', '--json'], { cwd: root, env })).stdout) as {
        session_id: string;
      }[];
      const purged = await runCli(['cleanup', session!.session_id, '--purge', '--force'], { cwd: root, env });
      expect(purged.code, purged.stderr).toBe(0);
      expect(purged.stdout).toContain('1 documents purged with their vectors');
      const found = await runCli(['search', 'reporte de laboratorio', '--collection', 'reviewed', '--json'], {
        cwd: root,
        env,
      });
      expect(found.code, found.stderr).toBe(0);
      expect(JSON.parse(found.stdout)).toEqual({
        query: 'reporte de laboratorio',
        results: [],
        left_out: [],
        out_of_line: [],
      });
    });
  },
);
