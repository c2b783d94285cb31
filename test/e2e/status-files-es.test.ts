import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';
import { FILE_OUTCOMES } from '../../src/core/pipeline/file-outcome.js';
import { ES } from '../../src/ui/i18n/messages.js';

const FILE = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const COPY = '3000016374_RÍOS CORONADO, CÉSAR_6482601208_CONS.pdf';
const EMPTY = '3000016374_RÍOS CORONADO, CÉSAR_6482601209_LAB.pdf';

/** `status --files` as a Spanish-speaking records administrator reads it, and as scripts grep it in English (the built CLI). */
describe('status --files in the language of the screen', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = createTempDir('tecsalud-status-files-');
    db = path.join(dir, 'registry.db');
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(drop, FILE));
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(drop, COPY));
    fs.writeFileSync(path.join(drop, EMPTY), '');
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const ingested = await runCli(['ingest', 'drop', '--db', db, '--non-interactive'], { cwd: dir });
    expect(ingested.stderr).not.toMatch(/\n\s+at /);
    // A run of 13.282 s, as the database keeps it to the millisecond.
    const handle = new Database(db);
    handle
      .prepare(
        "update batch_uploads set started_at = '2026-12-05T01:21:25.291Z', completed_at = '2026-12-05T01:21:38.573Z'",
      )
      .run();
    handle.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (lang: string) => runCli(['status', '--files', '--db', db, '--lang', lang], { cwd: dir });

  it('says each file in a Spanish word, the failure in a few, and the run in tenths of a second', async () => {
    const spanish = await run('es');
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout).toMatch(new RegExp(`^ {2}ingresado {14}${FILE}  doc [0-9a-f]{8}$`, 'm'));
    expect(spanish.stdout).toMatch(new RegExp(`^ {2}duplicado en el lote {3}${COPY}$`, 'm'));
    expect(spanish.stdout).toMatch(
      new RegExp(`^ {2}fallido: vacío {9}${EMPTY}\\n {25}↳ el archivo está vacío`, 'm'),
    );
    expect(spanish.stdout).toMatch(/^ {2}duración {9}13\.3 s$/m);
    // No outcome code left alone in the file column.
    expect(spanish.stdout).not.toMatch(/^ {2}(ingested|duplicate_in_batch|empty_file) /m);
  });

  it('keeps the codes, byte for byte, in English, and the run in tenths of a second', async () => {
    const english = await run('en');
    expect(english.code, english.stderr).toBe(0);
    expect(english.stdout).toMatch(new RegExp(`^ {2}ingested {15}${FILE}  doc [0-9a-f]{8}$`, 'm'));
    expect(english.stdout).toMatch(new RegExp(`^ {2}duplicate_in_batch {5}${COPY}$`, 'm'));
    expect(english.stdout).toMatch(new RegExp(`^ {2}empty_file {13}${EMPTY}$`, 'm'));
    // Tenths too: «13.282 s» reads as thirteen thousand in Mexico, and the same run reads the same in both languages.
    expect(english.stdout).toMatch(/^ {2}processing time {2}13\.3 s$/m);
  });

  it('has a Spanish word for every outcome, within the 22 columns of the file column', () => {
    for (const outcome of Object.keys(FILE_OUTCOMES)) {
      const word = ES.statusReport.fileOutcome(outcome);
      expect(word, outcome).not.toBe(outcome);
      expect(word.length, word).toBeLessThanOrEqual(22);
    }
    expect(ES.statusReport.flag('content_mismatch')).toBe('el contenido no coincide (content_mismatch)');
  });
});
