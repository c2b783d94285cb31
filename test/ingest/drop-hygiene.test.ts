import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import {
  SAMPLE_DIR,
  byFilename,
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';

let workspace: Workspace;
let archive: string;
let quarantine: string;
beforeEach(async () => {
  workspace = createWorkspace({ copySample: false });
  archive = path.join(workspace.root, 'archive');
  quarantine = path.join(workspace.root, 'quarantine');
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

const GOOD = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const HALF = '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf';

function anHourAgo(...names: string[]): void {
  const then = new Date(Date.now() - 3_600_000);
  for (const name of names) fs.utimesSync(path.join(workspace.dropDir, name), then, then);
}

describe('drop-folder hygiene: --archive-dir and --quarantine-dir', { tags: ['slow'] }, () => {
  it('leaves a file modified moments ago where it is (it may still be being copied in), and moves it once left alone', async () => {
    fs.copyFileSync(path.join(SAMPLE_DIR, GOOD), path.join(workspace.dropDir, GOOD));
    // The first half of a PDF, as a copy still under way leaves it: it fails as a damaged PDF.
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, HALF));
    fs.writeFileSync(path.join(workspace.dropDir, HALF), whole.subarray(0, whole.length / 2));
    const flags = { archiveDir: archive, quarantineDir: quarantine };

    const first = await ingestJson(workspace, flags);
    expect(first.code).toBe(ExitCode.SomeFailed);
    const half = byFilename(first.report).get(HALF)!;
    expect(half.outcome).toMatch(/corrupt|not_pdf/);
    expect(half.move_error).toMatch(/--quarantine-dir .*may still be being written/);
    expect(byFilename(first.report).get(GOOD)!.move_error).toMatch(
      /--archive-dir .*may still be being written/,
    );
    expect(fs.readdirSync(workspace.dropDir).sort()).toEqual([GOOD, HALF]);
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);

    // The copy completes; by the next night both have been left alone.
    fs.writeFileSync(path.join(workspace.dropDir, HALF), whole);
    anHourAgo(GOOD, HALF);
    const second = await ingestJson(workspace, flags);
    expect(second.code).toBe(ExitCode.Success);
    expect(second.report.files.map((f) => [f.filename, f.outcome])).toEqual([
      [GOOD, 'duplicate'],
      [HALF, 'ingested'],
    ]);
    expect(fs.readdirSync(workspace.dropDir)).toEqual([]);
    expect(fs.readdirSync(archive).sort()).toEqual([GOOD, HALF]);
    expect(fs.readFileSync(path.join(archive, HALF))).toEqual(whole);
  });

  it('a resumed session moves the files its killed run settled but had not moved yet', async () => {
    fs.cpSync(SAMPLE_DIR, workspace.dropDir, { recursive: true });
    anHourAgo(...fs.readdirSync(workspace.dropDir));
    const clean = await ingestJson(workspace);
    const settled = clean.report.files;
    const waiting = settled.filter((f) => f.outcome === 'review_required').map((f) => f.filename);
    const failed = settled.filter((f) => f.processing_status === 'failed').map((f) => f.filename);
    expect(waiting.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    // As a kill between the commits and the moves leaves it: every file's state recorded, none moved, the
    // session still open.
    const open = await openWorkspaceDb(workspace);
    try {
      await open.db
        .updateTable('batchUploads')
        .set({ status: 'processing', completedAt: null })
        .where('id', '=', clean.report.session_id)
        .execute();
    } finally {
      await open.close();
    }

    const resumed = await ingestJson(workspace, { archiveDir: archive, quarantineDir: quarantine });
    expect(resumed.report.session_id).toBe(clean.report.session_id);
    expect(resumed.report.files.map((f) => [f.filename, f.outcome])).toEqual(settled.map((f) => [f.filename, f.outcome]));
    expect(fs.readdirSync(workspace.dropDir).sort()).toEqual([...waiting].sort());
    expect(fs.readdirSync(quarantine).sort()).toEqual([...failed].sort());
    expect(fs.readdirSync(archive)).toHaveLength(settled.length - waiting.length - failed.length);
    expect(resumed.report.files.filter((f) => f.move_error)).toEqual([]);
    // The next night finds nothing left to do, and nothing to move twice.
    const next = await ingestJson(workspace, { archiveDir: archive, quarantineDir: quarantine });
    expect(next.report.files.map((f) => f.outcome)).toEqual(waiting.map(() => 'already_pending_review'));
    expect(fs.readdirSync(archive).filter((name) => name.includes(' (2)'))).toEqual([]);
  });
});
