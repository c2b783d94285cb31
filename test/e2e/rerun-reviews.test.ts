import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { runCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { copyDelivered } from '../support/delivered-files.js';

interface Report {
  session_id: string;
  files: { path: string; outcome: string; error: string | null }[];
}

/**
 * A folder run again while its reviews still wait: its files are not queued twice, and the new session's
 * closing line says `tecsalud-batch review NEW` — which must then walk those files, not answer "no reviews
 * pending in session NEW" while the folder's files wait in the earlier session.
 */
describe('reviews still waiting when a folder is run again', { tags: ['slow'] }, () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = createTempDir('tecsalud-rerun-reviews-');
    db = path.join(dir, 'registry.db');
    copyDelivered(SAMPLE_DIR, path.join(dir, 'drop'));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ingest = (...extra: string[]) =>
    runCli(['ingest', 'drop', '--db', db, '--non-interactive', '--type', 'complete', ...extra], { cwd: dir });

  it('are named with the session that holds them, and `review NEW` walks them', async () => {
    const first = JSON.parse((await ingest('--json')).stdout) as Report;
    const waiting = first.files.filter((f) => f.outcome === 'review_required').map((f) => f.path);
    expect(waiting.length).toBeGreaterThan(0);
    const firstShort = first.session_id.slice(0, 8);

    const second = JSON.parse((await ingest('--json')).stdout) as Report;
    const copies = second.files.filter((f) => f.outcome === 'already_pending_review');
    expect(copies.map((f) => f.path).sort()).toEqual([...waiting].sort());
    for (const copy of copies) {
      expect(copy.error).toContain(`is already waiting for review in session ${firstShort}`);
      expect(copy.error).toContain(`settle it with \`tecsalud-batch review ${firstShort}\``);
    }

    const third = await ingest('--lang', 'en');
    const thirdShort = /Session (\w{8})/.exec(third.stdout)?.[1];
    expect(third.stdout).toContain(`Settle the reviews with: tecsalud-batch review ${thirdShort}`);
    const listed = await runCli(['review', thirdShort!, '--db', db, '--json'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(2);
    const pending = (JSON.parse(listed.stdout) as { pending: { filename: string; session_id: string }[] })
      .pending;
    expect(pending.map((p) => p.filename).sort()).toEqual([...waiting].sort());
    // They are the first session's files: settling them there settles them for every re-run.
    expect(new Set(pending.map((p) => p.session_id))).toEqual(new Set([first.session_id]));
  }, 120_000);

  it("are counted apart in each re-run's row, so that a sum over the sessions counts each review once", async () => {
    const listed = await runCli(['sessions', '--db', db, '--json'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as {
      session_id: string;
      review_required: number;
      already_waiting: number;
    }[];
    expect(rows).toHaveLength(3);
    const [third, second, first] = rows;
    const reviews = first!.review_required;
    expect(reviews).toBeGreaterThan(0);
    for (const rerun of [second!, third!])
      expect(rerun).toMatchObject({ review_required: 0, already_waiting: reviews });
    expect(rows.reduce((sum, row) => sum + row.review_required, 0)).toBe(reviews);
    expect(first!.already_waiting).toBe(0);

    // The text rows say it in words; `status` and the re-run's own report too.
    const text = await runCli(['sessions', '--db', db], { cwd: dir });
    const rerunRow = text.stdout.split('\n').find((line) => line.startsWith(second!.session_id.slice(0, 8)))!;
    expect(rerunRow).toMatch(new RegExp(`0 review  ${reviews} already waiting  `));
    const firstRow = text.stdout.split('\n').find((line) => line.startsWith(first!.session_id.slice(0, 8)))!;
    expect(firstRow).toMatch(new RegExp(`${reviews} review  \\S`));
    expect(firstRow).not.toContain('already waiting');
    const status = await runCli(['status', second!.session_id, '--db', db, '--json'], { cwd: dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ review_required: 0, already_waiting: reviews });
    const fourth = await ingest('--json');
    expect(JSON.parse(fourth.stdout)).toMatchObject({ review_required: 0, already_waiting: reviews });
  }, 120_000);
});
