import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChromaStore } from '../../src/adapters/vector-stores/chroma/chroma-store.js';
import { DEFAULT_KEY_GUARD_MS } from '../../src/app/review-walk.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../support/http-fault-proxy.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { ID_CONFLICT_FILE } from '../review/support/ingested-sample.js';

/**
 * Undo in `review` while Chroma refuses to delete: the screen says "undo not done … press u again", so nothing
 * of the undo may stand. The rows used to be reverted first and the vectors deleted after: the document left
 * the registry, its chunks stayed in Chroma under the patient the reviewer had just taken it off (a search for
 * that patient found them), and u again found nothing to undo.
 */

const SOCKET = `tecsalud-undo-${process.pid}`;
const PANE = 'undo';
const ATTACHED_TO = '3000147773';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

async function waitFor(pattern: RegExp | string): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    last = tmux('capture-pane', '-p', '-t', PANE);
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${String(pattern)}; the screen shows:\n${last}`);
}

/** The review ignores keys for a moment after a new frame (nothing decided unseen). */
function pastKeyGuard(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, DEFAULT_KEY_GUARD_MS + 50));
}

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(chromaWanted() && (hasTmux() || process.env.CI))('review undo while Chroma refuses deletes', { tags: ['slow'] }, () => {
  let root: string;
  let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  let proxy: HttpFaultProxy;
  let refuseDeletes = false;
  let env: Record<string, string>;

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
    try {
      tmux('kill-server');
    } catch {
      // no server was started
    }
    await proxy?.close();
    await chroma?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function registry() {
    const database = await openDatabase(resolveDatabaseTarget(env.TECSALUD_DB!, { cwd: root }));
    try {
      return {
        document: await database.db.selectFrom('medicalDocuments').selectAll().where('filename', '=', ID_CONFLICT_FILE).executeTakeFirst(),
        file: await database.db.selectFrom('batchFiles').selectAll().where('filename', '=', ID_CONFLICT_FILE).executeTakeFirstOrThrow(),
      };
    } finally {
      await database.close();
    }
  }

  async function vectorsOf(documentId: string) {
    const store = await createChromaStore({ url: chroma.url, database: chroma.database, collection: 'medical_documents' });
    try {
      return await store.readDocument(documentId);
    } finally {
      await store.close();
    }
  }

  it('a refused undo leaves the attach whole, vectors and rows; u again undoes both', async () => {
    const variables = Object.entries(env)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(' ');
    tmux(
      'new-session', '-d', '-s', PANE, '-x', '100', '-y', '30',
      // Ink renders only a final frame when CI is set; the admin's terminal has no CI.
      `cd ${JSON.stringify(root)}; env -u CI ${variables} node ${JSON.stringify(BIN)} review --user revisora --lang en; ` +
        'echo REVIEW-EXITED; sleep 300',
    );
    await waitFor(/Review 1 of 1/);
    await pastKeyGuard();
    tmux('send-keys', '-t', PANE, '-l', '1');
    await waitFor(`✓ attached to ${ATTACHED_TO}`);
    const attached = await registry();
    expect(attached.document).toMatchObject({ expediente: ATTACHED_TO });
    const documentId = attached.document!.id;
    const chunks = (await vectorsOf(documentId)).length;
    expect(chunks).toBeGreaterThan(0);

    refuseDeletes = true;
    await pastKeyGuard();
    tmux('send-keys', '-t', PANE, '-l', 'u');
    await waitFor(/✗ undo not done: .*Chroma/s);
    // "Not done": the document is still attached, and its chunks still say so — all of them.
    const refused = await registry();
    expect(refused.document).toMatchObject({ id: documentId, expediente: ATTACHED_TO });
    expect(refused.file.documentId).toBe(documentId);
    const kept = await vectorsOf(documentId);
    expect(kept).toHaveLength(chunks);
    for (const vector of kept) expect(vector.metadata.expediente).toBe(ATTACHED_TO);

    refuseDeletes = false;
    await pastKeyGuard();
    tmux('send-keys', '-t', PANE, '-l', 'u');
    await waitFor('undid the attach');
    const undone = await registry();
    expect(undone.document).toBeUndefined();
    expect(undone.file).toMatchObject({ matchingStatus: 'review_required', documentId: null });
    expect(await vectorsOf(documentId)).toEqual([]);

    await pastKeyGuard();
    tmux('send-keys', '-t', PANE, '-l', 'q');
    await waitFor('REVIEW-EXITED');
  });
});
