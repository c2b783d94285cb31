import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { importedRegistry, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * `match PATH` says which registry patient a misfiled document names, and how it found them. In Spanish the
 * English key leaked: "nombra al paciente del registro … (por name)".
 */
const FILENAME = '3000001298_HUERTA SOTO, GABRIELA_6001000090_CONS.pdf';

describe("match PATH names the document's registry patient in the screen's language", () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    const registry = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/registry.csv'), 'utf8');
    workspace = await importedRegistry('tecsalud-content-by-name-', registry.trimEnd().split('\n'));
    fs.writeFileSync(
      path.join(workspace.cwd, FILENAME),
      await makeTextPdf(['NOTA DE CONSULTA\nPaciente: RIOS CORONADO, CESAR\nDiagnóstico: cefalea.'], {
        title: 'nota',
        date: '2024-03-12',
      }),
    );
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('says "por nombre" in Spanish and "by name" in English', async () => {
    const [spanish, english] = await Promise.all([
      runCli(['match', FILENAME, '--lang', 'es'], workspace),
      runCli(['match', FILENAME, '--lang', 'en'], workspace),
    ]);
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout).toContain(
      '    nombra     al paciente del registro 3000016374 RIOS CORONADO, CESAR (por nombre)',
    );
    expect(english.stdout).toContain(
      '    names      registry patient 3000016374 RIOS CORONADO, CESAR (by name)',
    );
  });
});
