import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { runCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * A type code the service's table does not know (`_CSON.pdf`, a typo for CONS) does not stop the file — it is
 * filed as `other` — but the run says so, in its closing lines and its JSON, instead of letting it pass unseen.
 */
describe('unknown type codes in ingest', { tags: ['slow'] }, () => {
  let dir: string;
  let drop: string;
  let db: string;

  beforeAll(async () => {
    dir = createTempDir('tecsalud-type-codes-');
    drop = path.join(dir, 'drop');
    db = path.join(dir, 'registry.db');
    fs.mkdirSync(drop);
    const consultations = fs.readdirSync(SAMPLE_DIR).filter((name) => /_\d+_CONS\.pdf$/.test(name));
    const copies: [string, string][] = [
      [consultations[0]!, consultations[0]!.replace(/_CONS\.pdf$/, '_CSON.pdf')],
      [consultations[1]!, consultations[1]!.replace(/_CONS\.pdf$/, '_CSON.pdf')],
      [consultations[2]!, consultations[2]!.replace(/_CONS\.pdf$/, '_XRAY.pdf')],
      [consultations[3]!, consultations[3]!],
    ];
    for (const [from, to] of copies) fs.copyFileSync(path.join(SAMPLE_DIR, from), path.join(drop, to));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are counted in the summary with where to see the known codes, in Spanish too, and in --json', async () => {
    const first = await runCli(['ingest', drop, '--db', db, '--non-interactive', '--lang', 'en'], {
      cwd: dir,
    });
    expect(first.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(first.stdout).toContain(
      "3 files have a type code this tool does not know (CSON ×2, XRAY): recorded as type 'other'. The known codes: `tecsalud-batch parse --help`",
    );

    const spanish = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--lang', 'es', '--force'],
      {
        cwd: dir,
      },
    );
    expect(spanish.stdout).toContain(
      '3 archivos tienen un código de tipo que la herramienta no conoce (CSON ×2, XRAY): registrados como tipo otro (other).',
    );

    const json = await runCli(['ingest', drop, '--db', db, '--json', '--force'], { cwd: dir });
    expect(JSON.parse(json.stdout).unknown_type_codes).toEqual({ CSON: 2, XRAY: 1 });
  });

  it("claims 'other' only for the files recorded: none when every such file failed, some when some did", async () => {
    const consultation = fs.readdirSync(SAMPLE_DIR).filter((name) => /_\d+_CONS\.pdf$/.test(name))[4]!;
    const named = (code: string, numero: string) =>
      consultation.replace(/_\d+_CONS\.pdf$/, `_${numero}_${code}.pdf`);
    const failing = path.join(dir, 'failing');
    fs.mkdirSync(failing);
    fs.writeFileSync(path.join(failing, named('CSON', '7100000001')), '');
    fs.writeFileSync(path.join(failing, named('XRAY', '7100000002')), '<html>not a PDF</html>');
    // One after the other: a folder takes one run at a time (its run lock).
    const none = await runCli(['ingest', failing, '--db', db, '--non-interactive', '--lang', 'en'], {
      cwd: dir,
    });
    const ninguno = await runCli(['ingest', failing, '--db', db, '--non-interactive', '--lang', 'es'], {
      cwd: dir,
    });
    expect(none.code, none.stderr).toBe(3);
    expect(none.stdout).toContain(
      "2 files have a type code this tool does not know (CSON, XRAY); none of them was recorded, so nothing was filed as type 'other'.",
    );
    expect(none.stdout).not.toContain("recorded as type 'other'");
    expect(ninguno.stdout).toContain(
      '2 archivos tienen un código de tipo que la herramienta no conoce (CSON, XRAY); no se registró ninguno, así que nada quedó como tipo otro (other).',
    );

    const mixed = path.join(dir, 'mixed');
    fs.mkdirSync(mixed);
    fs.copyFileSync(path.join(SAMPLE_DIR, consultation), path.join(mixed, named('CSON', '7100000003')));
    fs.writeFileSync(path.join(mixed, named('CSON', '7100000004')), '');
    const some = await runCli(['ingest', mixed, '--db', db, '--non-interactive', '--lang', 'en'], {
      cwd: dir,
    });
    const algunos = await runCli(
      ['ingest', mixed, '--db', db, '--non-interactive', '--lang', 'es', '--force'],
      {
        cwd: dir,
      },
    );
    expect(some.stdout).toContain(
      "2 files have a type code this tool does not know (CSON ×2): 1 recorded as type 'other', 1 not recorded.",
    );
    expect(algunos.stdout).toContain(
      'no conoce (CSON ×2): 1 registrado como tipo otro (other), 1 sin registrar.',
    );
  });

  it('a run whose codes are all known says nothing about them', async () => {
    const clean = path.join(dir, 'clean');
    fs.mkdirSync(clean);
    const known = fs.readdirSync(SAMPLE_DIR).find((name) => /_\d+_CONS\.pdf$/.test(name))!;
    fs.copyFileSync(path.join(SAMPLE_DIR, known), path.join(clean, known));
    const result = await runCli(
      ['ingest', clean, '--db', db, '--non-interactive', '--lang', 'en', '--force'],
      {
        cwd: dir,
      },
    );
    expect(result.stdout).toContain('1 file:');
    expect(result.stdout).not.toContain('type code');
  });

  it('parse --help lists the known codes by the type they file as', async () => {
    const help = await runCli(['parse', '--help'], { cwd: dir });
    expect(help.stdout).toMatch(/^ {2}CONS\s+consultation$/m);
    expect(help.stdout).toMatch(/^ {2}IMG, RX, TAC, RMN, ECO\s+imaging$/m);
  });
});
