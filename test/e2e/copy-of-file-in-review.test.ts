import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { RejectionRepository } from '../../src/db/repositories/rejection-repository.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';

interface JsonFile {
  filename: string;
  outcome: string;
  error: string | null;
}

// Expediente 3000768077 is GABRIELA HUERTA SOTO's: GRACIELA is another given name, so the name alone needs an
// admin (id_match_name_partial). The lab report's text names nobody, so only the names decide.
const HELD = '3000768077_HUERTA SOTO, GRACIELA_6380098785_LAB.pdf';
const COPY = '3000768077_HUERTA SOTO, GRACIELA_6380098786_LAB.pdf';
const LAB_TEXT =
  'RESULTADOS DE LABORATORIO\n\nBiometría hemática completa.\n' +
  'Hemoglobina 13.8 g/dL, hematocrito 41 %, leucocitos 7,200 por microlitro.\n' +
  'Plaquetas 250,000 por microlitro. Sin alteraciones en la fórmula diferencial.';

/**
 * A file and its copy under another name, the file held for review: the copy said the content was "ingested
 * once" though nothing was ingested and an admin has yet to decide whose it is.
 */
describe('a copy of a file that went to review, through the built CLI', { tags: ['slow'] }, () => {
  let dir: string;
  let db: string;
  let sessionId: string;
  let files: JsonFile[];
  let held: JsonFile;
  let copy: JsonFile;

  beforeAll(async () => {
    dir = createTempDir('tecsalud-copy-in-review-');
    db = path.join(dir, 'registry.db');
    fs.mkdirSync(path.join(dir, 'drop'));
    const lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
    for (const name of [HELD, COPY]) fs.writeFileSync(path.join(dir, 'drop', name), lab);
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const run = await runCli(
      [
        'ingest',
        'drop',
        '--db',
        db,
        '--json',
        '--non-interactive',
        '--type',
        'complete',
        '--concurrency',
        '1',
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(ExitCode.ReviewPending);
    const report = JSON.parse(run.stdout) as { session_id: string; files: JsonFile[] };
    sessionId = report.session_id;
    files = report.files;
    // Whichever of the two the run took up first holds the content; the other shares its end.
    held = files.find((file) => file.outcome === 'review_required')!;
    copy = files.find((file) => file.outcome === 'duplicate_in_batch')!;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const expected = () =>
    `identical content to '${held.filename}' in this batch, which is waiting for an admin review; settled with that review`;

  it('says the file it copies waits for an admin review, not that the content was ingested once (--json)', () => {
    expect(files.map((file) => file.outcome).sort(), JSON.stringify(files)).toEqual([
      'duplicate_in_batch',
      'review_required',
    ]);
    expect(copy.error).toBe(expected());
  });

  it('says so in status --files, in English and in Spanish, and in its --json', async () => {
    const status = await runCli(['status', sessionId, '--files', '--db', db, '--lang', 'en'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`↳ ${expected()}`);
    expect(status.stdout).not.toContain('ingested once');

    const spanish = await runCli(['status', sessionId, '--files', '--db', db, '--lang', 'es'], { cwd: dir });
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout).toContain(
      `↳ contenido idéntico a '${held.filename}' en este lote, que está en espera de revisión de un administrador; ` +
        'se resuelve con esa revisión',
    );
    expect(spanish.stdout).not.toMatch(/se ingresó una sola vez|identical content/);

    const json = await runCli(['status', sessionId, '--files', '--json', '--db', db], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const listed = (JSON.parse(json.stdout) as { files: JsonFile[] }).files;
    expect(listed.find((file) => file.filename === copy.filename)).toMatchObject({
      outcome: 'duplicate_in_batch',
      error: expected(),
    });
  });
});

// The same lie when the content was rejected in review: the file is set aside every night, its copy said the
// content was ingested once.
describe(
  'a copy of a file set aside because a reviewer rejected its content, through the built CLI',
  { tags: ['slow'] },
  () => {
    it('says the file it copies was set aside, not that the content was ingested once: --json, status --files EN/ES', async () => {
      const dir = createTempDir('tecsalud-copy-rejected-');
      try {
        const db = path.join(dir, 'registry.db');
        fs.mkdirSync(path.join(dir, 'drop'));
        const lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
        for (const name of [HELD, COPY]) fs.writeFileSync(path.join(dir, 'drop', name), lab);
        const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
        expect(imported.code, imported.stderr).toBe(0);
        // As `review` records a rejection (the interactive review's own test goes through the terminal).
        const database = await openDatabase(resolveDatabaseTarget(db, { cwd: dir }));
        try {
          await new RejectionRepository(database.db).record({
            contentSha256: createHash('sha256').update(lab).digest('hex'),
            batchFileId: null,
            sessionId: null,
            filename: HELD,
            rejectedBy: 'jlopez',
            rejectedAt: '2026-11-03T09:00:00.000Z',
          });
        } finally {
          await database.close();
        }
        const run = await runCli(
          [
            'ingest',
            'drop',
            '--db',
            db,
            '--json',
            '--non-interactive',
            '--type',
            'complete',
            '--concurrency',
            '1',
          ],
          { cwd: dir },
        );
        expect(run.code, run.stderr).toBe(0);
        const report = JSON.parse(run.stdout) as { session_id: string; files: JsonFile[] };
        const aside = report.files.find((file) => file.outcome === 'previously_rejected')!;
        const copied = report.files.find((file) => file.outcome === 'duplicate_in_batch')!;
        expect([aside, copied].every(Boolean), JSON.stringify(report.files)).toBe(true);
        const english =
          `identical content to '${aside.filename}' in this batch, which was set aside (a reviewer rejected the same ` +
          'content); not ingested';
        expect(copied.error).toBe(english);

        const status = await runCli(['status', report.session_id, '--files', '--db', db, '--lang', 'en'], {
          cwd: dir,
        });
        expect(status.stdout).toContain(`↳ ${english}`);
        expect(status.stdout).not.toContain('ingested once');
        const spanish = await runCli(['status', report.session_id, '--files', '--db', db, '--lang', 'es'], {
          cwd: dir,
        });
        expect(spanish.stdout).toContain(
          `↳ contenido idéntico a '${aside.filename}' en este lote, que se apartó (un revisor rechazó el mismo ` +
            'contenido); no se ingresó',
        );
        expect(spanish.stdout).not.toMatch(/se ingresó una sola vez|identical content/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
