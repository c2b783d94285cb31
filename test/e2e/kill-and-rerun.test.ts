import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeCorpus, type CorpusManifest } from '../../fixtures/generator/index.js';
import { createTempDir } from '../support/databases.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import fs from 'node:fs';

let root: string;
let drop: string;
let db: string;
let manifest: CorpusManifest;

beforeAll(async () => {
  root = createTempDir('tecsalud-kill-');
  drop = path.join(root, 'drop');
  db = path.join(root, 'registry.db');
  manifest = await writeCorpus({
    out: drop,
    files: 60,
    seed: 7,
    minPages: 1,
    maxPages: 3,
    registryFile: path.join(root, 'registry.csv'),
    manifestFile: path.join(root, 'manifest.json'),
  });
  const imported = await runCli(['patients', 'import', path.join(root, 'registry.csv'), '--db', db], {
    cwd: root,
  });
  expect(imported.code).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function query<T>(sql: string): T[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare(sql).all() as T[];
  } catch (error) {
    if (/no such table/.test(String(error))) return [];
    throw error;
  } finally {
    handle.close();
  }
}

function documentCount(): number {
  return query<{ n: number }>('select count(*) n from medical_documents')[0]?.n ?? 0;
}

/**
 * Kills a run once it has stored `afterDocuments` documents of its own. Counted from what earlier runs
 * left: the run writes files in groups, and a kill point counted from zero could be passed by the previous
 * run's last group, killing the next run before it did anything (or even opened its session).
 */
async function ingestUntilKilled(afterDocuments: number): Promise<boolean> {
  const before = documentCount();
  const child = spawnCli(['ingest', drop, '--db', db, '--non-interactive', '--json', '--concurrency', '4'], {
    cwd: root,
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let finished = false;
  void exited.then(() => (finished = true));
  const deadline = Date.now() + 60_000;
  while (!finished && Date.now() < deadline) {
    if (documentCount() >= before + afterDocuments) {
      child.kill('SIGKILL');
      await exited;
      return true;
    }
    await sleep(25);
  }
  await exited;
  return false;
}

describe('a run killed with SIGKILL at random points, then re-run', { tags: ['slow'] }, () => {
  it('ends with every file ingested exactly once: no missing or duplicate document, patient or vector', async () => {
    const total = manifest.files.length;
    // Two kills at pseudo-random depths (seeded from the clock, printed so a failure can be replayed).
    const seed = Date.now() % 997;
    const firstKill = 2 + (seed % Math.floor(total / 3));
    const secondKill = 1 + (seed % 7);
    console.log(`kill points: after ${firstKill}, then ${secondKill} more documents (seed ${seed})`);
    const killedFirst = await ingestUntilKilled(firstKill);
    // The first kill point is a third of the way in at most: that run is always killed mid-way.
    expect(killedFirst).toBe(true);
    await ingestUntilKilled(secondKill);
    // A kill can land just after a run marked its session done (its last document was the one awaited):
    // then there is nothing to resume. What the final run must resume is whatever the kills left unfinished.
    const leftUnfinished =
      query<{ n: number }>(
        "select count(*) n from batch_uploads where status in ('pending', 'processing', 'interrupted')",
      )[0]!.n > 0;
    const final = await runCli(['ingest', drop, '--db', db, '--non-interactive', '--json'], { cwd: root });
    expect([0, 2, 3]).toContain(final.code);
    const report = JSON.parse(final.stdout) as { files: { path: string; outcome: string }[] };

    // Every file of the corpus is accounted for in the final run, and nothing is left half-done.
    expect(report.files.length).toBe(total);
    const terminal = new Set(['ingested', 'duplicate', 'review_required', 'already_pending_review']);
    for (const f of report.files) expect(terminal, `${f.path}: ${f.outcome}`).toContain(f.outcome);

    // Documents: one per distinct content that is not waiting for review.
    const reviewPaths = new Set(report.files.filter((f) => f.outcome.includes('review')).map((f) => f.path));
    const expectedShas = new Set(manifest.files.filter((f) => !reviewPaths.has(f.path)).map((f) => f.sha256));
    const docs = query<{ content_sha256: string; chunks_count: number; id: string }>(
      'select content_sha256, chunks_count, id from medical_documents',
    );
    expect(new Set(docs.map((d) => d.content_sha256))).toEqual(expectedShas);
    expect(docs.length).toBe(expectedShas.size);

    // Vectors: exactly the chunks of the stored documents — none orphaned by a killed run.
    const chunkRows = query<{ document_id: string; n: number }>(
      'select document_id, count(*) n from vec_c1_chunks group by document_id',
    );
    const byDoc = new Map(chunkRows.map((r) => [r.document_id, r.n]));
    expect(byDoc.size).toBe(docs.length);
    for (const d of docs) expect(byDoc.get(d.id), d.id).toBe(d.chunks_count);

    // Patients: no expediente twice, and each new patient created once.
    const patients = query<{ expediente: string }>('select expediente from patients');
    expect(new Set(patients.map((p) => p.expediente)).size).toBe(patients.length);
    const newExpedientes = new Set(
      manifest.files.filter((f) => f.category === 'new_patient').map((f) => f.expediente),
    );
    for (const expediente of newExpedientes)
      expect(patients.filter((p) => p.expediente === expediente).length).toBe(1);

    // The run that took over resumed the killed run's session (DECISIONS 2): nothing is left looking as if it
    // were still running, and the killed runs left no other session behind.
    expect(
      query<{ n: number }>(
        "select count(*) n from batch_uploads where status in ('pending', 'processing', 'interrupted')",
      )[0]!.n,
    ).toBe(0);
    expect(
      query<{ n: number }>("select count(*) n from batch_files where processing_status = 'processing'")[0]!.n,
    ).toBe(0);
    const sessions = query<{ id: string }>('select id from batch_uploads');
    expect(sessions.map((s) => s.id)).toContain((report as unknown as { session_id: string }).session_id);
    if (leftUnfinished) expect((report as unknown as { resumed: boolean }).resumed).toBe(true);

    // Counters right after the kills: each session's columns say what its files' rows and the audit log say.
    const counters = query<{
      id: string;
      total_files: number;
      processed_files: number;
      failed_files: number;
      created_patients: number;
      duplicates: number;
    }>(
      'select id, total_files, processed_files, failed_files, created_patients, duplicates from batch_uploads',
    );
    for (const c of counters) {
      const [files] = query<{ total: number; final: number; failed: number; duplicates: number }>(
        `select count(*) total,
                sum(case when outcome is not null and outcome not in ('deferred', 'interrupted') then 1 else 0 end) final,
                sum(case when processing_status = 'failed' then 1 else 0 end) failed,
                sum(case when outcome in ('duplicate', 'duplicate_in_batch') then 1 else 0 end) duplicates
           from batch_files where batch_id = '${c.id}'`,
      );
      const [created] = query<{ n: number }>(
        `select count(distinct entity_id) n from audit_log where batch_id = '${c.id}' and action = 'patient_created'`,
      );
      expect(c).toEqual({
        id: c.id,
        total_files: files!.total,
        processed_files: files!.final,
        failed_files: files!.failed,
        created_patients: created!.n,
        duplicates: files!.duplicates,
      });
    }
    // Every patient a run created is counted once, on the session that created it.
    const registryCount = query<{ n: number }>(
      "select count(distinct entity_id) n from audit_log where action = 'patient_created'",
    )[0]!.n;
    expect(counters.reduce((sum, c) => sum + c.created_patients, 0)).toBe(registryCount);
    expect(registryCount).toBe(newExpedientes.size);

    // A review is queued once, however many runs saw the file.
    const pending = query<{ content_sha256: string }>(
      "select content_sha256 from batch_files where matching_status = 'review_required' and processing_status = 'pending'",
    );
    expect(new Set(pending.map((p) => p.content_sha256)).size).toBe(pending.length);
  }, 240_000);
});
