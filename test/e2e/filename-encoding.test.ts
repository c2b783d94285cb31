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
  files: { path: string; outcome: string; error: string | null }[];
}

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
