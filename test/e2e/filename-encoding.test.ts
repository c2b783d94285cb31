import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { runCli } from '../support/cli-binary.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * A file copied from a Windows export or a zip made there can carry its name in Latin-1 bytes ('Ñ' is 0xD1).
 * The file system hands such a name to Node with each byte that is not UTF-8 as U+FFFD; the person reading
 * the report must learn that the name's encoding is the problem, not that 'Ñ' is not allowed.
 */

const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';

let root: string;
beforeAll(() => {
  root = createTempDir('tecsalud-encoding-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Report {
  files: {
    path: string;
    outcome: string;
    error: string | null;
    moved_to: string | null;
    move_error: string | null;
  }[];
}

/** A file name as a Latin-1 program writes it: `before`, the byte, `after` ('Ñ' is 0xD1, 'Ö' 0xD6). */
function latin1(before: string, byte: number, after: string): Buffer {
  return Buffer.concat([Buffer.from(before), Buffer.from([byte]), Buffer.from(after)]);
}

/** A folder's entries as their bytes. */
function rawNames(dir: string): Buffer[] {
  return fs.readdirSync(dir, { encoding: 'buffer' });
}

const inFolder = (dir: string, name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);

describe('a file name that is not UTF-8', { tags: ['slow'] }, () => {
  it('is a failed entry that says the name is not UTF-8 and how to rename it (EN and ES); the rest is ingested', async () => {
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(drop, LAB));
    // 'MUÑOZ' written by a Latin-1 program: 4D 55 D1 4F 5A.
    const latin1Name = Buffer.concat([
      Buffer.from('3000000042_MU'),
      Buffer.from([0xd1]),
      Buffer.from('OZ LEAL, ANA_6000000042_CONS.pdf'),
    ]);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), Buffer.concat([Buffer.from(`${drop}/`), latin1Name]));
    const db = path.join(root, 'registry.db');

    const run = await runCli(
      ['ingest', drop, '--db', db, '--type', 'complete', '--non-interactive', '--json'],
      {
        cwd: root,
      },
    );
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    const outcomes = Object.fromEntries(report.files.map((file) => [file.path, file]));
    expect(outcomes[LAB]!.outcome).toBe('ingested');
    const garbled = '3000000042_MU\uFFFDOZ LEAL, ANA_6000000042_CONS.pdf';
    expect(outcomes[garbled]!.outcome).toBe('invalid_name');
    expect(outcomes[garbled]!.error).toMatch(
      /^the file name is not valid UTF-8 .*Latin-1.*convmv -f latin1 -t utf8/,
    );

    // Failed entries are looked at again on every run; a Spanish-speaking operator reads why in Spanish.
    const spanish = await runCli(
      ['ingest', drop, '--db', db, '--type', 'complete', '--non-interactive', '--lang', 'es'],
      {
        cwd: root,
      },
    );
    expect(spanish.code, spanish.stderr).toBe(3);
    expect(spanish.stdout + spanish.stderr).toContain('el nombre del archivo no es UTF-8 válido');
  });
});

describe('quarantining a file whose name is not UTF-8', { tags: ['slow'] }, () => {
  const muñoz = latin1('3000000042_MU', 0xd1, 'OZ LEAL, ANA_6000000042_CONS.pdf');
  const garbled = '3000000042_MU\uFFFDOZ LEAL, ANA_6000000042_CONS.pdf';

  it('moves it by its own bytes, under the same bytes (a taken name gets its (2)), and loses nothing', async () => {
    const dir = path.join(root, 'quarantine-raw');
    const drop = path.join(dir, 'drop');
    const quarantine = path.join(dir, 'quarantine');
    fs.mkdirSync(drop, { recursive: true });
    fs.mkdirSync(quarantine);
    const bytes = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
    fs.writeFileSync(inFolder(drop, muñoz), bytes);
    // A file of that name from an earlier night is already in the quarantine: it stays as it is.
    fs.writeFileSync(inFolder(quarantine, muñoz), 'earlier');
    const run = await runCli(
      [
        'ingest',
        drop,
        '--db',
        path.join(dir, 'registry.db'),
        '--type',
        'complete',
        '--non-interactive',
        '--json',
        '--quarantine-dir',
        quarantine,
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(3);
    const file = (JSON.parse(run.stdout) as Report).files[0]!;
    expect(file).toMatchObject({ path: garbled, outcome: 'invalid_name', move_error: null });
    expect(file.moved_to).toBe(path.join(quarantine, garbled.replace('.pdf', ' (2).pdf')));
    // The drop folder is empty; the quarantine holds both, each under its Latin-1 bytes, the moved one whole.
    expect(rawNames(drop)).toEqual([]);
    const moved = latin1('3000000042_MU', 0xd1, 'OZ LEAL, ANA_6000000042_CONS (2).pdf');
    expect(
      rawNames(quarantine)
        .map((name) => name.toString('hex'))
        .sort(),
    ).toEqual([muñoz, moved].map((name) => name.toString('hex')).sort());
    expect(fs.readFileSync(inFolder(quarantine, moved)).equals(bytes)).toBe(true);
    expect(fs.readFileSync(inFolder(quarantine, muñoz), 'utf8')).toBe('earlier');
  });

  it('tells two names that show alike apart: a row, an outcome and a move each, in every report and on a re-run', async () => {
    const dir = path.join(root, 'quarantine-alike');
    const drop = path.join(dir, 'drop');
    const quarantine = path.join(dir, 'quarantine');
    const db = path.join(dir, 'registry.db');
    fs.mkdirSync(drop, { recursive: true });
    // NUÑEZ and NUÁEZ in Latin-1: Node shows both as NU�EZ. Each is shown with its byte instead.
    const nuñez = latin1('3000000042_NU', 0xd1, 'EZ LEAL, ANA_6000000042_CONS.pdf');
    const nuáez = latin1('3000000042_NU', 0xc1, 'EZ LEAL, ANA_6000000042_CONS.pdf');
    const shownÑ = '3000000042_NU\uFFFD[D1]EZ LEAL, ANA_6000000042_CONS.pdf';
    const shownÁ = '3000000042_NU\uFFFD[C1]EZ LEAL, ANA_6000000042_CONS.pdf';
    fs.writeFileSync(inFolder(drop, nuñez), 'one');
    fs.writeFileSync(inFolder(drop, nuáez), 'two');
    const ingest = (...more: string[]) =>
      runCli(['ingest', drop, '--db', db, '--type', 'complete', '--non-interactive', ...more], { cwd: dir });

    // The screen names each, and so does the summary's count.
    const screen = await ingest('--lang', 'es');
    expect(screen.code, screen.stderr).toBe(3);
    const shownOnScreen = screen.stdout + screen.stderr;
    expect(shownOnScreen).toContain(`✗ ${shownÑ}`);
    expect(shownOnScreen).toContain(`✗ ${shownÁ}`);
    expect(shownOnScreen).toContain('2 archivos');
    const firstStatus = await runCli(['status', '--files', '--db', db], { cwd: dir });
    expect(firstStatus.stdout).toContain(`invalid_name           ${shownÑ}`);
    expect(firstStatus.stdout).toContain(`invalid_name           ${shownÁ}`);

    // A re-run (now quarantining) has the same two rows, neither merged nor doubled, and moves each by its bytes.
    const run = await ingest('--json', '--quarantine-dir', quarantine);
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as Report & { total_files: number };
    expect(report.total_files).toBe(2);
    expect(report.files.map((file) => file.path)).toEqual([shownÁ, shownÑ]);
    for (const file of report.files) {
      expect(file).toMatchObject({
        outcome: 'invalid_name',
        move_error: null,
        moved_to: path.join(quarantine, file.path),
      });
      expect(file.error).toMatch(/^the file name is not valid UTF-8 /);
    }
    expect(rawNames(drop)).toEqual([]);
    expect(
      rawNames(quarantine)
        .map((name) => name.toString('hex'))
        .sort(),
    ).toEqual([nuñez, nuáez].map((name) => name.toString('hex')).sort());
    expect(fs.readFileSync(inFolder(quarantine, nuñez), 'utf8')).toBe('one');
    expect(fs.readFileSync(inFolder(quarantine, nuáez), 'utf8')).toBe('two');
    const status = await runCli(['status', '--files', '--db', db], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.split(shownÑ).length - 1, status.stdout).toBe(1);
    expect(status.stdout.split(shownÁ).length - 1, status.stdout).toBe(1);
  });
});
