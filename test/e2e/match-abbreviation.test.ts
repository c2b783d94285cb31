import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createWorkspace, importSampleRegistry, type Workspace } from '../support/ingest-fixture.js';

/** The README's `match` example, as a records administrator runs it: the reason must name what differs. */
describe('match names the abbreviation as the file wrote it', { tags: ['slow'] }, () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = createWorkspace({ copySample: false });
    await importSampleRegistry(workspace);
  });
  afterAll(() => workspace?.cleanup());

  const name = '3000899337_MARTÍNEZ MEJÍA, FCO. JAVIER_6736522655_ALTA.pdf';
  const run = (lang: string) =>
    runCli(['match', name, '--db', workspace.db, '--lang', lang], { cwd: workspace.root, env: { TECSALUD_DB: '' } });

  it('in English and in Spanish (it read "FRANCISCO JAVIER vs FRANCISCO JAVIER")', async () => {
    const [en, es] = await Promise.all([run('en'), run('es')]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('· nombres: abbreviation expanded (FCO JAVIER vs FRANCISCO JAVIER)');
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain('· nombres: abreviado (FCO JAVIER frente a FRANCISCO JAVIER)');
  });
});
