// Several `serve` processes on one PostgreSQL registry and upload folder: two started at once on a fresh registry
// (a load balancer's pair coming up together) race their migrations, and one restarted while the other keeps
// processing must leave the other's run alone. Both must come up, each run done once.
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { startServe, type ServeProcess } from './support/serve-cli.js';
import {
  bearer,
  createSession,
  filesForm,
  heldExtractor,
  sampleFile,
  startTestServer,
} from '../support/api-server.js';
import { createWorkspace, SAMPLE_DIR } from '../support/ingest-fixture.js';

describe.runIf(postgresWanted())(
  'two servers started at once on a fresh PostgreSQL registry',
  { tags: ['slow'] },
  () => {
    let scratch: { url: string; drop(): Promise<void> };
    const root = createTempDir('tecsalud-serve-fresh-pg-');
    beforeAll(async () => {
      scratch = await createScratchPostgresDatabase();
    });
    afterAll(async () => {
      await scratch?.drop();
    });

    it('both come up, the schema migrated once, whole', async () => {
      const servers: ServeProcess[] = [];
      try {
        const started = await Promise.allSettled(
          [0, 1].map(() =>
            startServe(['--db', scratch.url, '--upload-dir', 'uploads', '--no-auth'], { cwd: root }),
          ),
        );
        for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
        expect(
          started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'up')),
        ).toEqual(['up', 'up']);
        for (const server of servers)
          expect(
            (
              await fetch(`${server.base}/create-session`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: '{"processing_type":"complete","uploaded_by":"it"}',
              })
            ).status,
          ).toBe(200);
        const sql = new pg.Client({ connectionString: scratch.url });
        await sql.connect();
        try {
          const applied = await sql.query(
            'select name, count(*) as n from kysely_migration group by name having count(*) > 1',
          );
          expect(applied.rows).toEqual([]);
        } finally {
          await sql.end();
        }
      } finally {
        for (const server of servers) expect(await server.stop()).toBe(0);
      }
    });

    it('a server restarting while another processes a session leaves that run alone: it finishes once, nothing doubled', async () => {
      const file = fs.readdirSync(SAMPLE_DIR).sort()[0]!;
      const workspace = { ...createWorkspace({ copySample: false }), db: scratch.url };
      const held = heldExtractor();
      const processing = await startTestServer({ workspace, extractor: held.extractor });
      let restarted: ServeProcess | undefined;
      try {
        const uploader = await processing.token('uploader');
        const { session_id: sessionId } = await createSession(processing, uploader);
        const form = filesForm([{ name: file, bytes: sampleFile(file) }]);
        expect(
          (
            await fetch(`${processing.base}/${sessionId}/upload`, {
              method: 'POST',
              headers: bearer(uploader),
              body: form,
            })
          ).status,
        ).toBe(200);
        expect(
          (
            await fetch(`${processing.base}/${sessionId}/process?wait=false`, {
              method: 'POST',
              headers: bearer(uploader),
            })
          ).status,
        ).toBe(202);
        await held.started;

        // The other server of the pair comes back while this one's run is in flight: the session is `processing`.
        restarted = await startServe(['--db', scratch.url, '--upload-dir', processing.uploadDir], {
          cwd: workspace.root,
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        held.release();
        const done = await fetch(`${processing.base}/${sessionId}/process`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        expect(await done.json()).toMatchObject({ status: 'completed', total_files: 1 });
        const status = await fetch(`${restarted.base}/${sessionId}/status`, { headers: bearer(uploader) });
        expect(await status.json()).toMatchObject({
          status: 'completed',
          files: [{ filename: file, processing_status: 'completed' }],
        });
        // It never claimed the other's run as one a stopped server left (nor tried to take it).
        expect(restarted.stdout()).not.toMatch(/Resuming/);
        expect(restarted.stderr()).not.toMatch(/resuming a session|\n\s+at /);
      } finally {
        held.release();
        if (restarted) expect(await restarted.stop()).toBe(0);
        await processing.stop();
        workspace.cleanup();
      }
    });
  },
);
