import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { NAME_ONLY_FILE, REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';

/**
 * A file whose expediente is not in the registry, matched by name to a same-named patient whom its text
 * contradicts (another expediente, another birth date). Its filename and its text agree in every word: what
 * is wrong is the patient the filename was matched to, and the Spanish says so (the built CLI).
 */
describe('why a document is held, in Spanish, when only the match is wrong', () => {
  let dir: string;
  beforeAll(async () => {
    dir = createTempDir('tecsalud-content-words-');
    fs.mkdirSync(path.join(dir, 'drop'));
    fs.copyFileSync(path.join(SAMPLE_DIR, NAME_ONLY_FILE), path.join(dir, 'drop', NAME_ONLY_FILE));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const ingested = await runCli(['ingest', 'drop', '--db', 'r.db', '--non-interactive'], { cwd: dir });
    expect(ingested.code, ingested.stderr).toBe(2);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('status --files names the assignment the filename implies, not the filename, as what the text contradicts', async () => {
    const status = await runCli(['status', '--files', '--db', 'r.db', '--lang', 'es'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(
      '↳ en espera de revisión: el documento contradice la asignación por nombre de archivo ' +
        '(nombra a otro paciente que aquel al que lo asignaría el nombre del archivo)',
    );
    expect(status.stdout).toContain(
      '↳ el expediente 3000312954 del documento no es el del paciente al que lo asignaría el nombre del archivo (3000899337)',
    );
    expect(status.stdout).not.toContain('contradice el nombre del archivo');
    // Birth dates as Mexico writes them, as the document itself does.
    expect(status.stdout).toContain('↳ la fecha de nacimiento del documento, 04/08/1963, no es 11/07/1956\n');
  });
});
