import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { NAME_ONLY_FILE, REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';

/**
 * A file whose expediente is not in the registry, matched by name to a same-named patient under another
 * expediente, whose text states the filename's own expediente and another birth date than that patient's. Its
 * filename and its text agree in every word: it is held for the name-only match, not as a content mismatch,
 * and nothing says the document contradicts anything (the built CLI, in Spanish).
 */
describe('why a document is held, in Spanish, when only the match is in doubt', () => {
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

  it('status --files gives the name-only match as the reason, and no contradiction', async () => {
    const status = await runCli(['status', '--files', '--db', 'r.db', '--lang', 'es'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(
      '↳ en espera de revisión: el nombre coincide; el expediente no está en el registro',
    );
    expect(status.stdout).not.toContain('contradice');
    expect(status.stdout).not.toContain('content_mismatch');
  });

  it('review --json carries what the document says beside the suggestions', async () => {
    const review = await runCli(['review', '--json', '--db', 'r.db'], { cwd: dir });
    const [pending] = (JSON.parse(review.stdout) as { pending: Record<string, unknown>[] }).pending;
    expect(pending).toMatchObject({
      reason: 'name_only_match',
      suggestions: [{ expediente: '3000899337' }],
      content: {
        verdict: 'agrees',
        compared_with: null,
        identity: { expediente: '3000312954', fecha_nacimiento: '1963-08-04' },
      },
    });
    expect((pending!.content as { reasons: string[] }).reasons).toContain(
      "the document's birth date 1963-08-04 is not candidate 3000899337's (1956-07-11)",
    );
  });
});
