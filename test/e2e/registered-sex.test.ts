import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { importedRegistry, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * GUADALUPE alone is given to both sexes, MARÍA GUADALUPE only to women: a file naming MA GUADALUPE on the
 * expediente of a man registered as GUADALUPE is his sister's as likely as his. `match` holds it and says why,
 * in English and in Spanish.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000900001,HERNÁNDEZ,LÓPEZ,GUADALUPE,1975-01-01,M',
];
const FILENAME = '3000900001_HERNANDEZ LOPEZ, MA GUADALUPE_CONS.pdf';

describe('a first given name that marks the sex the registry does not record', () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-registered-sex-', REGISTRY);
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match holds the file for review and names the registered sex, in English and Spanish', async () => {
    const [english, spanish] = await Promise.all([
      runCli(['match', FILENAME, '--lang', 'en'], workspace),
      runCli(['match', FILENAME, '--lang', 'es'], workspace),
    ]);
    expect(english.code, english.stderr).toBe(0);
    expect(english.stdout).toMatch(/decision +REVIEW .*id_match_name_partial/);
    expect(english.stdout).toContain("· sexo: registered M, but the filename's MA is a woman's name");
    expect(spanish.stdout).toMatch(/decisión +REVISIÓN /);
    expect(spanish.stdout).toContain('· sexo: registrado M, pero MA en el archivo es nombre de mujer');
  });
});
