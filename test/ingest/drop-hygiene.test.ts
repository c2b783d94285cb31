import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import { ingest } from '../../src/commands/ingest.js';
import { showStatus } from '../../src/commands/status.js';
import { commandContext } from '../support/command-context.js';
import { captureIo } from '../support/databases.js';
import {
  SAMPLE_DIR,
  byFilename,
  inProcessExtractor,
  type JsonReport,
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';
import { copyDelivered } from '../support/delivered-files.js';

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

describe('drop-folder hygiene: --archive-dir and --quarantine-dir', { tags: ['slow'] }, () => {
  it('leaves a file that changed after it was read where it is (it was still being copied in), and moves the rest at once', async () => {
    fs.copyFileSync(path.join(SAMPLE_DIR, GOOD), path.join(workspace.dropDir, GOOD));
    // The first half of a PDF, as a copy stalled for a while leaves it (so it is read as it is); the copy
    // completes while the run reads it.
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, HALF));
    const half = path.join(workspace.dropDir, HALF);
    fs.writeFileSync(half, whole.subarray(0, whole.length / 2));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(half, anHourAgo, anHourAgo);
    const copyCompletesDuringTheRun: TextExtractor = {
      name: inProcessExtractor.name,
      async extract(file, options) {
        const result = await inProcessExtractor.extract(file, options);
        if (path.basename(file) === HALF) fs.writeFileSync(half, whole);
        return result;
      },
      close: async () => undefined,
    };
    const flags = {
      archiveDir: archive,
      quarantineDir: quarantine,
      json: true,
      nonInteractive: true,
    } as const;

    const { io, stdout } = captureIo();
    const code = await ingest(
      workspace.dropDir,
      flags,
      await commandContext({
        cwd: workspace.root,
        db: workspace.db,
        io,
        extractor: copyCompletesDuringTheRun,
      }),
    );
    // Not failed, not quarantined half written: left for the next run.
    expect(code).toBe(ExitCode.Success);
    const first = byFilename(JSON.parse(stdout()) as JsonReport);
    expect(first.get(HALF)!.outcome).toBe('still_being_written');
    expect(first.get(HALF)!.error).toMatch(
      /^it changed while the run was reading it \(\d+ bytes, then \d+\): it is still being written/,
    );
    expect(first.get(HALF)!.move_error ?? null).toBeNull();
    // A file delivered a moment before the run, complete, is archived at once.
    expect(first.get(GOOD)!.move_error ?? null).toBeNull();
    expect(fs.readdirSync(workspace.dropDir)).toEqual([HALF]);
    expect(fs.readdirSync(archive)).toEqual([GOOD]);
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);
    expect(fs.readFileSync(half)).toEqual(whole);
    // Why, in Spanish, for a records team that reads status in Spanish.
    const spanish = captureIo();
    await showStatus(
      undefined,
      { files: true, lang: 'es' },
      await commandContext({ cwd: workspace.root, db: workspace.db, io: spanish.io }),
    );
    expect(spanish.stdout()).toMatch(
      /↳ cambió mientras la ejecución lo leía \(\d+ bytes, luego \d+\): todavía se está escribiendo; queda para la siguiente ejecución/,
    );

    // The next run reads the completed file again.
    const second = await ingestJson(workspace, { archiveDir: archive, quarantineDir: quarantine });
    expect(second.code).toBe(ExitCode.Success);
    expect(second.report.files.map((f) => [f.filename, f.outcome])).toEqual([[HALF, 'ingested']]);
    expect(fs.readdirSync(workspace.dropDir)).toEqual([]);
    expect(fs.readdirSync(archive).sort()).toEqual([GOOD, HALF]);
    expect(fs.readFileSync(path.join(archive, HALF))).toEqual(whole);
  });

  it('says in words (EN and ES) that a file taken out of the drop folder during the run was not there to move', async () => {
    fs.copyFileSync(path.join(SAMPLE_DIR, GOOD), path.join(workspace.dropDir, GOOD));
    // Somebody takes the file out while the run reads it: it is ingested, and gone when the run would archive it.
    const takenOutDuringTheRun: TextExtractor = {
      name: inProcessExtractor.name,
      async extract(file, options) {
        const result = await inProcessExtractor.extract(file, options);
        fs.rmSync(file);
        return result;
      },
      close: async () => undefined,
    };
    const { io, stdout } = captureIo();
    const context = await commandContext({
      cwd: workspace.root,
      db: workspace.db,
      io,
      extractor: takenOutDuringTheRun,
    });
    const code = await ingest(
      workspace.dropDir,
      { archiveDir: archive, json: true, nonInteractive: true },
      context,
    );
    expect(code).toBe(ExitCode.SomeFailed);
    const file = byFilename(JSON.parse(stdout()) as JsonReport).get(GOOD)!;
    expect(file.outcome).toBe('ingested');
    expect(file.move_error).toBe(
      `ingested, but not moved to --archive-dir ${archive}: it is no longer in the drop folder: it was moved or ` +
        'deleted after the run read it',
    );
    const spanish = captureIo();
    await showStatus(
      undefined,
      { files: true, lang: 'es' },
      await commandContext({ cwd: workspace.root, db: workspace.db, io: spanish.io }),
    );
    expect(spanish.stdout()).toContain(
      `↳ no se movió: ingresado, pero no se movió a --archive-dir ${archive}: ya no está en la carpeta de entrada: ` +
        'se movió o se borró después de que la ejecución lo leyera',
    );
  });

  it('a resumed session moves the files its killed run settled but had not moved yet', async () => {
    copyDelivered(SAMPLE_DIR, workspace.dropDir);

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
    expect(resumed.report.files.map((f) => [f.filename, f.outcome])).toEqual(
      settled.map((f) => [f.filename, f.outcome]),
    );
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
