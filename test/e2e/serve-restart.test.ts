import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus, type CorpusManifest } from '../../fixtures/generator/index.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { createToken, startServe as startServeCli, type ServeProcess } from './support/serve-cli.js';

let root: string;
let db: string;
let token: string;
const corpora: CorpusManifest[] = [];

beforeAll(async () => {
  root = createTempDir('tecsalud-serve-');
  db = path.join(root, 'registry.db');
  for (const seed of [11, 12, 13]) {
    corpora.push(
      await writeCorpus({
        out: path.join(root, `corpus-${seed}`),
        files: seed === 13 ? 6 : 30,
        seed,
        minPages: 1,
        maxPages: 3,
        registryFile: path.join(root, `registry-${seed}.csv`),
        manifestFile: path.join(root, `manifest-${seed}.json`),
      }),
    );
  }
  for (const seed of [11, 12, 13]) {
    const imported = await runCli(
      ['patients', 'import', path.join(root, `registry-${seed}.csv`), '--db', db],
      { cwd: root },
    );
    expect(imported.code, imported.stderr).toBe(0);
  }
  token = await createToken(db, root, 'admin');
}, 180_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** `tecsalud-batch serve` on an ephemeral port; resolves once it says where it listens. */
function startServe(): Promise<ServeProcess> {
  // One file per write: documents land one by one, so a stop after the fourth always finds the session
  // mid-way (in groups of 32, all thirty small files could land at once, the session already complete).
  return startServeCli(
    ['--db', db, '--upload-dir', 'uploads', '--quiet', '--concurrency', '4', '--store-batch-size', '1'],
    { cwd: root },
  );
}

const auth = () => ({ authorization: `Bearer ${token}` });

async function createAndUpload(server: ServeProcess, corpus: CorpusManifest, dir: string): Promise<string> {
  const created = await fetch(`${server.base}/create-session`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ processing_type: 'both', uploaded_by: 'e2e' }),
  });
  const { session_id: sessionId } = (await created.json()) as { session_id: string };
  for (let i = 0; i < corpus.files.length; i += 10) {
    const form = new FormData();
    for (const file of corpus.files.slice(i, i + 10)) {
      form.append(
        'files',
        new Blob([new Uint8Array(fs.readFileSync(path.join(dir, file.path)))]),
        path.basename(file.path),
      );
    }
    const uploaded = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: auth(),
      body: form,
    });
    expect(uploaded.status).toBe(200);
  }
  return sessionId;
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare(sql).all(...params) as T[];
  } finally {
    handle.close();
  }
}

const documentCount = () => query<{ n: number }>('select count(*) n from medical_documents')[0]!.n;

/** Waits (bounded) until the session's documents pass `count` — the point at which the test stops the server. */
async function untilDocuments(count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (documentCount() < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} documents after 120 s`);
    await sleep(25);
  }
}

async function waitForSession(
  server: ServeProcess,
  sessionId: string,
): Promise<{ status: string; detailed_status: string; total_files: number; processed_files: number }> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const status = (await (
      await fetch(`${server.base}/${sessionId}/status`, { headers: auth() })
    ).json()) as {
      status: string;
      detailed_status: string;
      total_files: number;
      processed_files: number;
    };
    if (status.status !== 'processing' && status.status !== 'pending') return status;
    if (Date.now() > deadline) throw new Error(`session still ${status.status} after 180 s`);
    await sleep(100);
  }
}

/** Nothing lost, nothing doubled: every file final, one document per ingested content, its vectors, single patients. */
function expectSessionWhole(sessionId: string, corpus: CorpusManifest): void {
  const files = query<{
    outcome: string | null;
    processing_status: string;
    content_sha256: string | null;
    document_id: string | null;
  }>(
    'select outcome, processing_status, content_sha256, document_id from batch_files where batch_id = ?',
    sessionId,
  );
  expect(files).toHaveLength(corpus.files.length);
  const final = new Set([
    'ingested',
    'duplicate',
    'duplicate_in_batch',
    'review_required',
    'already_pending_review',
  ]);
  for (const file of files) expect(final, JSON.stringify(file)).toContain(file.outcome);
  const ingested = files.filter((f) => f.outcome === 'ingested');
  const documents = query<{ id: string; content_sha256: string; chunks_count: number }>(
    'select id, content_sha256, chunks_count from medical_documents where batch_id = ?',
    sessionId,
  );
  expect(new Set(documents.map((d) => d.id))).toEqual(new Set(ingested.map((f) => f.document_id)));
  expect(new Set(documents.map((d) => d.content_sha256)).size).toBe(documents.length);
  const chunks = new Map(
    query<{ document_id: string; n: number }>(
      'select document_id, count(*) n from vec_c1_chunks group by document_id',
    ).map((r) => [r.document_id, r.n]),
  );
  for (const d of documents) expect(chunks.get(d.id), d.id).toBe(d.chunks_count);
  const patients = query<{ expediente: string }>('select expediente from patients');
  expect(new Set(patients.map((p) => p.expediente)).size).toBe(patients.length);
  const session = query<{ status: string; total_files: number; processed_files: number }>(
    'select status, total_files, processed_files from batch_uploads where id = ?',
    sessionId,
  )[0]!;
  expect(session).toMatchObject({ total_files: corpus.files.length, processed_files: corpus.files.length });
  expect(['completed', 'partially_failed']).toContain(session.status);
}

describe('a server stopped mid-session resumes the session at its next start', { tags: ['slow'] }, () => {
  it('after SIGKILL (a crash): nothing lost, nothing doubled', async () => {
    const corpus = corpora[0]!;
    let server = await startServe();
    const sessionId = await createAndUpload(server, corpus, path.join(root, 'corpus-11'));
    const before = documentCount();
    const started = await fetch(`${server.base}/${sessionId}/process?wait=false`, {
      method: 'POST',
      headers: auth(),
    });
    expect(started.status).toBe(202);
    await untilDocuments(before + 4);
    server.child.kill('SIGKILL');
    await server.exited;
    expect(
      query<{ status: string }>('select status from batch_uploads where id = ?', sessionId)[0]!.status,
    ).toBe('processing');

    server = await startServe();
    try {
      expect(server.stdout()).toContain('Resuming 1 session a stopped server left processing.');
      const status = await waitForSession(server, sessionId);
      expect(status).toMatchObject({
        status: 'completed',
        total_files: corpus.files.length,
        processed_files: corpus.files.length,
      });
      expectSessionWhole(sessionId, corpus);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  }, 300_000);

  it('after SIGTERM (graceful): the waiting caller is answered 503, files in flight finish, the next start finishes the rest', async () => {
    const corpus = corpora[1]!;
    let server = await startServe();
    const sessionId = await createAndUpload(server, corpus, path.join(root, 'corpus-12'));
    const before = documentCount();
    const waiting = fetch(`${server.base}/${sessionId}/process`, { method: 'POST', headers: auth() });
    await untilDocuments(before + 4);
    server.child.kill('SIGTERM');
    const answer = await waiting;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('10');
    // Why, and what comes next — not the summary's own `message` ("interrupted") in its place.
    expect(await answer.json()).toMatchObject({
      statusCode: 503,
      message: 'the server is stopping: the session resumes when it starts again',
      session_id: sessionId,
      status: 'processing',
    });
    expect(await server.exited).toBe(0);
    const left = query<{ status: string }>('select status from batch_uploads where id = ?', sessionId)[0]!;
    expect(left.status).toBe('processing');
    expect(
      query<{ n: number }>(
        "select count(*) n from batch_files where batch_id = ? and processing_status = 'processing'",
        sessionId,
      )[0]!.n,
    ).toBe(0);

    server = await startServe();
    try {
      const status = await waitForSession(server, sessionId);
      expect(status.status).toBe('completed');
      expectSessionWhole(sessionId, corpus);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  }, 300_000);

  it('after SIGKILL mid-upload: the half-received upload is never registered, its temporary file is removed at the next start, and the upload done again is processed whole', async () => {
    const corpus = corpora[2]!;
    const dir = path.join(root, 'corpus-13');
    let server = await startServe();
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'both', uploaded_by: 'e2e' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };
    const sessionDir = path.join(root, 'uploads', sessionId);

    // A client sending one file's first bytes and then nothing more: the server is receiving it when it dies.
    const first = corpus.files[0]!;
    const bytes = fs.readFileSync(path.join(dir, first.path));
    const boundary = 'tecsalud-e2e-boundary';
    const stalled = http.request(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    const cutOff = new Promise<string>((resolve) => {
      stalled.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
      stalled.on('response', (response) => resolve(`answered ${response.statusCode}`));
    });
    stalled.write(
      `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${path.basename(first.path)}"\r\n` +
        'content-type: application/pdf\r\n\r\n',
    );
    stalled.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    const incoming = () => fs.readdirSync(sessionDir).filter((name) => name.startsWith('.incoming-'));
    const deadline = Date.now() + 60_000;
    while (!incoming().some((name) => fs.statSync(path.join(sessionDir, name)).size > 0)) {
      if (Date.now() > deadline) throw new Error('the server never started writing the upload');
      await sleep(25);
    }
    server.child.kill('SIGKILL');
    await server.exited;
    expect(await cutOff).not.toMatch(/^answered/);
    expect(incoming()).toHaveLength(1);
    expect(
      query<{ n: number }>('select count(*) n from batch_files where batch_id = ?', sessionId)[0]!.n,
    ).toBe(0);

    server = await startServe();
    try {
      expect(server.stdout()).toContain('Removed 1 half-received upload a stopped server left');
      expect(incoming()).toEqual([]);
      const status = (await (
        await fetch(`${server.base}/${sessionId}/status`, { headers: auth() })
      ).json()) as { status: string; total_files: number };
      expect(status).toMatchObject({ status: 'pending', total_files: 0 });
      // The client uploads again (the whole session's files this time) and processes.
      const form = new FormData();
      for (const file of corpus.files) {
        form.append(
          'files',
          new Blob([new Uint8Array(fs.readFileSync(path.join(dir, file.path)))]),
          path.basename(file.path),
        );
      }
      const uploaded = await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: auth(),
        body: form,
      });
      expect(uploaded.status).toBe(200);
      const processed = await fetch(`${server.base}/${sessionId}/process`, {
        method: 'POST',
        headers: auth(),
      });
      expect(processed.status).toBe(200);
      expect(await processed.json()).toMatchObject({
        status: 'completed',
        total_files: corpus.files.length,
        processed_files: corpus.files.length,
      });
      expectSessionWhole(sessionId, corpus);
      expect(fs.readdirSync(sessionDir).filter((name) => name.endsWith('.pdf'))).toHaveLength(
        corpus.files.length,
      );
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  }, 300_000);
});
