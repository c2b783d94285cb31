// Two `serve` processes on one SQLite registry and one upload folder: an upload registering on one at the
// moment an admin discards the session on the other ends one known way — never a 500, an orphan PDF on disk
// or a file row without its PDF. SQLite has no row locks: its single writer is what keeps the two apart. Review
// decisions on both wait their turn too: every transaction of a decision begins with a write.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  SAMPLE_DIR,
  type Workspace,
} from '../support/ingest-fixture.js';
import { copyDelivered } from '../support/delivered-files.js';
import { sampleFile } from '../support/api-server.js';
import { createApiToken } from '../../src/app/api-tokens.js';
import { startServe, type ServeProcess } from './support/serve-cli.js';

const FILE = fs.readdirSync(SAMPLE_DIR).sort()[0]!;

describe(
  'two servers on one SQLite registry: an upload on one racing a discard on the other',
  { tags: ['slow'] },
  () => {
    let workspace: Workspace;
    let uploadDir: string;
    let receiving: ServeProcess;
    let discarding: ServeProcess;
    let uploader: string;
    let admin: string;
    beforeAll(async () => {
      workspace = createWorkspace({ copySample: false });
      await importSampleRegistry(workspace);
      uploadDir = path.join(workspace.root, 'uploads');
      const location = { db: workspace.db, cwd: workspace.root };
      const token = async (role: 'uploader' | 'admin') =>
        (await createApiToken(location, { name: role, role, createdBy: 'test', expiresAt: null })).token;
      [uploader, admin] = [await token('uploader'), await token('admin')];
      const args = ['--db', workspace.db, '--upload-dir', uploadDir];
      [receiving, discarding] = await Promise.all([
        startServe(args, { cwd: workspace.root }),
        startServe(args, { cwd: workspace.root }),
      ]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([receiving?.stop(), discarding?.stop()]);
      workspace?.cleanup();
    });

    const call = async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const createSession = async () =>
      (
        await call(`${receiving.base}/create-session`, {
          method: 'POST',
          headers: { authorization: `Bearer ${uploader}`, 'content-type': 'application/json' },
          body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
        })
      ).body.session_id as string;
    const upload = (sessionId: string) => {
      const form = new FormData();
      form.append('files', new Blob([new Uint8Array(sampleFile(FILE))], { type: 'application/pdf' }), FILE);
      return call(`${receiving.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${uploader}` },
        body: form,
      });
    };
    const discard = (sessionId: string) =>
      call(`${discarding.base}/${sessionId}/discard`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${admin}` },
      });

    for (const first of ['upload', 'discard'] as const) {
      it(`the ${first} arriving first: both answered as one after the other (never a 503), nothing left astray`, async () => {
        const sessionId = await createSession();
        const sessionDir = path.join(uploadDir, sessionId);
        // Another writer holds SQLite's write lock: both servers reach their transaction and wait behind it.
        const holder = new Database(workspace.db);
        holder.exec('BEGIN IMMEDIATE');
        let uploading: ReturnType<typeof upload>;
        let discardingNow: ReturnType<typeof discard>;
        try {
          const stored = () =>
            fs.existsSync(sessionDir) &&
            fs.readdirSync(sessionDir).some((name) => !name.startsWith('.incoming-'));
          if (first === 'upload') {
            uploading = upload(sessionId);
            for (const deadline = Date.now() + 10_000; !stored(); await sleep(10))
              if (Date.now() > deadline) throw new Error('the upload never landed');
            await sleep(300);
            discardingNow = discard(sessionId);
            await sleep(500);
          } else {
            discardingNow = discard(sessionId);
            await sleep(500);
            uploading = upload(sessionId);
            for (const deadline = Date.now() + 10_000; !stored(); await sleep(10))
              if (Date.now() > deadline) throw new Error('the upload never landed');
            await sleep(300);
          }
        } finally {
          holder.exec('ROLLBACK');
          holder.close();
        }
        // SQLite's waiting writers take its lock in no set order: either the upload registers and the discard then
        // drops it with the session, or the discard goes first and the upload is told the session is gone.
        const [uploaded, discarded] = await Promise.all([uploading!, discardingNow!]);
        expect(discarded.status, JSON.stringify(discarded.body)).toBe(200);
        if (uploaded.status === 200) expect(discarded.body).toMatchObject({ discarded_files: 1 });
        else
          expect({ uploaded, discarded: discarded.body }).toMatchObject({
            uploaded: { status: 410 },
            discarded: { discarded_files: 0 },
          });
        expect(fs.existsSync(sessionDir)).toBe(false);
        const database = new Database(workspace.db, { readonly: true });
        try {
          expect(
            database.prepare('select count(*) as n from batch_files where batch_id = ?').get(sessionId),
          ).toEqual({ n: 0 });
        } finally {
          database.close();
        }
      });
    }

    it('review decisions on both servers, behind another writer, each wait their turn (never "locked"); one file is decided once', async () => {
      // A session of the folder, made by `ingest DIR` on the same file: two of its files wait for review.
      copyDelivered(SAMPLE_DIR, workspace.dropDir);
      const { report } = await ingestJson(workspace);
      const reviews = (
        await call(`${receiving.base}/${report.session_id}/review`, {
          headers: { authorization: `Bearer ${admin}` },
        })
      ).body as {
        files_requiring_review: { file_id: string; filename: string }[];
      };
      const [homonym, conflict] = ['3000312954_', '3000576011_'].map((prefix) =>
        reviews.files_requiring_review.find((f) => f.filename.startsWith(prefix))!,
      );
      const decide = (server: ServeProcess, fileId: string, body: Record<string, unknown>) =>
        call(`${server.base}/${report.session_id}/review/${fileId}/decision`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const holder = new Database(workspace.db);
      holder.exec('BEGIN IMMEDIATE');
      let decisions: [ReturnType<typeof decide>, ReturnType<typeof decide>];
      try {
        decisions = [
          decide(receiving, homonym!.file_id, { action: 'attach', expediente: '3000899337' }),
          decide(discarding, conflict!.file_id, { action: 'reject' }),
        ];
        await sleep(500);
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      const [attached, rejected] = await Promise.all(decisions);
      expect([attached.status, rejected.status], JSON.stringify([attached.body, rejected.body])).toEqual([
        200, 200,
      ]);
      // The same files decided again at once from both servers, nothing changes: another decision on a file
      // settled is refused (409); the same decision again (a client's retry) is answered as done.
      const again = await Promise.all([
        decide(discarding, homonym!.file_id, { action: 'reject' }),
        decide(receiving, conflict!.file_id, { action: 'reject' }),
      ]);
      expect(again.map((answer) => answer.status)).toEqual([409, 200]);
      expect((again[1].body as { message: string }).message).toMatch(
        /^already decided the same way .*: nothing changed$/,
      );
    });
  },
);
