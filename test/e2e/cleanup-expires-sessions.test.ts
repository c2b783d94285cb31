import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { openWorkspaceDb, SAMPLE_DIR, type Workspace } from '../support/ingest-fixture.js';
import { bearer, createSession, filesForm, sampleFile, startTestServer } from '../support/api-server.js';

const FILE = fs.readdirSync(SAMPLE_DIR).sort()[0]!;
const DAY = 86_400_000;

/**
 * A server expires the sessions nobody processed only while it runs: one stopped for days left them, and the
 * PDFs uploaded into them, on disk. The nightly `cleanup --older-than` expires them under the same rule.
 */
describe(
  'cleanup --older-than expires the API sessions nobody processed while no server ran',
  { tags: ['slow'] },
  () => {
    let workspace: Workspace;
    let uploadDir: string;
    let abandoned: string;
    let recent: string;
    /** Where cron runs the command: not the server's directory. */
    let elsewhere: string;

    beforeAll(async () => {
      const server = await startTestServer({ settings: { sessionExpiryMs: 0 } });
      workspace = server.workspace;
      uploadDir = server.uploadDir;
      const uploader = await server.token('uploader');
      const upload = async () => {
        const { session_id: sessionId } = await createSession(server, uploader);
        const form = filesForm([{ name: FILE, bytes: sampleFile(FILE) }]);
        expect(
          (
            await fetch(`${server.base}/${sessionId}/upload`, {
              method: 'POST',
              headers: bearer(uploader),
              body: form,
            })
          ).status,
        ).toBe(200);
        return sessionId;
      };
      abandoned = await upload();
      recent = await upload();
      await server.running.stop();
      // The server stopped; four days pass for the first session, one for the other.
      const database = await openWorkspaceDb(workspace);
      try {
        for (const [sessionId, age] of [
          [abandoned, 4 * DAY],
          [recent, DAY],
        ] as const) {
          const at = new Date(Date.now() - age).toISOString();
          await database.db
            .updateTable('batchUploads')
            .set({ createdAt: at })
            .where('id', '=', sessionId)
            .execute();
          await database.db
            .updateTable('batchFiles')
            .set({ createdAt: at })
            .where('batchId', '=', sessionId)
            .execute();
        }
      } finally {
        await database.close();
      }
      elsewhere = createTempDir('tecsalud-cron-');
    });
    afterAll(() => {
      workspace?.cleanup();
      if (elsewhere) fs.rmSync(elsewhere, { recursive: true, force: true });
    });

    it('keeps them with --session-expiry off', async () => {
      const run = await runCli(
        ['cleanup', '--older-than', '7d', '--session-expiry', 'off', '--db', workspace.db, '--json'],
        { cwd: elsewhere },
      );
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toMatchObject({
        sessions: [],
        expired_sessions: [],
        session_expiry_minutes: 0,
      });
      expect(fs.existsSync(path.join(uploadDir, abandoned))).toBe(true);
    });

    it('discards the one idle past the 72 h default with its uploads, audited as the server does, and keeps the other', async () => {
      // `--user` names who runs the nightly job in every entry it writes, the expiries' too.
      const run = await runCli(
        ['cleanup', '--older-than', '7d', '--db', workspace.db, '--json', '--user', 'cron-archivo'],
        { cwd: elsewhere },
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        older_than: '7d',
        cutoff: expect.any(String),
        sessions: [],
        expired_sessions: [{ session_id: abandoned, last_active_at: expect.any(String), discarded_files: 1 }],
        session_expiry_minutes: 72 * 60,
      });
      expect(fs.existsSync(path.join(uploadDir, abandoned))).toBe(false);
      expect(fs.readdirSync(path.join(uploadDir, recent))).toHaveLength(1);
      const database = await openWorkspaceDb(workspace);
      try {
        expect(
          await database.db.selectFrom('batchUploads').select('id').where('id', '=', abandoned).execute(),
        ).toEqual([]);
        const entries = await new AuditRepository(database.db).list({ batchId: abandoned, limit: 10 });
        const entry = entries.find((row) => row.action === 'api_session_expired');
        expect(entry).toMatchObject({ actor: 'cron-archivo', actorKind: 'os_user', sessionId: abandoned });
        expect(JSON.parse(entry!.details!)).toMatchObject({
          expiry_minutes: 72 * 60,
          status: 'pending',
          discarded_files: [FILE],
        });
      } finally {
        await database.close();
      }
    });

    it('leaves the sessions of an upload folder this machine does not have to the server that has it', async () => {
      const moved = `${uploadDir}-elsewhere`;
      fs.renameSync(uploadDir, moved);
      try {
        const run = await runCli(
          ['cleanup', '--older-than', '7d', '--session-expiry', '12h', '--db', workspace.db, '--json'],
          { cwd: elsewhere },
        );
        expect(JSON.parse(run.stdout)).toMatchObject({ expired_sessions: [] });
        expect(fs.existsSync(uploadDir)).toBe(false);
      } finally {
        fs.renameSync(moved, uploadDir);
      }
    });

    it('says so in words, in Spanish too, under a shorter expiry', async () => {
      const run = await runCli(
        ['cleanup', '--older-than', '7d', '--session-expiry', '12h', '--db', workspace.db, '--lang', 'es'],
        { cwd: elsewhere },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        'No hay sesiones terminadas de hace más de 7 días.\n' +
          'Se descartó 1 sesión que nadie procesó ni recibió archivos en 12 h, junto con sus archivos subidos (auditado: api_session_expired).\n',
      );
      expect(fs.existsSync(path.join(uploadDir, recent))).toBe(false);
    });
  },
);
