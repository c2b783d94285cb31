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
});
