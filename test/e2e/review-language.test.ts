import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewService } from '../../src/review/review-service.js';
import { runCli } from '../support/cli-binary.js';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  type DatabaseCopy,
  type IngestedSample,
} from '../review/support/ingested-sample.js';

let sample: IngestedSample;
const copies: DatabaseCopy[] = [];

/** A fresh copy of the ingested sample (two files wait for review). */
function freshCopy(): { copy: DatabaseCopy; cwd: string } {
  const copy = copyDatabase(sample.templateDb);
  copies.push(copy);
  return { copy, cwd: path.dirname(copy.url) };
}

describe("`review` in the operator's language, through the built CLI", { tags: ['slow'] }, () => {
  beforeAll(async () => {
    sample = await ingestSample();
  });
  afterAll(() => {
    for (const copy of copies) copy.cleanup();
    sample?.cleanup();
  });

  it('review --reopen --lang es: its result and its refusals are in Spanish', async () => {
    const { copy, cwd } = freshCopy();
    const database = await copy.open();
    let fileId: string;
    let contentSha256: string;
    try {
      const file = await database.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('filename', '=', ID_CONFLICT_FILE)
        .executeTakeFirstOrThrow();
      fileId = file.id;
      contentSha256 = file.contentSha256!;
      const service = new ReviewService({ database, reviewer: 'jlopez' });
      expect(await service.decide(await service.loadCase(file.id), { kind: 'reject' })).toMatchObject({
        ok: true,
      });
      await service.close();
    } finally {
      await database.close();
    }

    const unknown = await runCli(['review', '--reopen', 'zzzz', '--lang', 'es', '--db', copy.url], { cwd });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("'zzzz' no es un id de archivo ni un hash de contenido");
    expect(unknown.stderr).toContain('lista los archivos rechazados');

    const reopened = await runCli(
      ['review', '--reopen', fileId.slice(0, 8), '--lang', 'es', '--db', copy.url],
      { cwd },
    );
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(reopened.stdout).toMatch(/^Reabierto '.*_LAB\.pdf': espera revisión de nuevo en la sesión \w{8}/);

    const again = await runCli(['review', '--reopen', fileId.slice(0, 8), '--db', copy.url], {
      cwd,
      env: { LANG: 'es_MX.UTF-8', LC_ALL: '' },
    });
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/no está rechazado: ya espera revisión \(sesión [\w-]+\); nada que reabrir/);
    expect(again.stderr).toMatch(/revíselo con `tecsalud-batch review \w{8}`/);
    // The same by the content's whole hash: not 'no rejected file or content'.
    const byHash = await runCli(['review', '--reopen', contentSha256, '--lang', 'es', '--db', copy.url], {
      cwd,
    });
    expect(byHash.code).toBe(64);
    expect(byHash.stderr).toMatch(
      /no está rechazado: ya espera revisión \(sesión [\w-]+\); nada que reabrir/,
    );
  }, 120_000);

  it('review without a terminal (cron, a pipe) refuses in Spanish, says what to do, and --json carries a code', async () => {
    const { copy, cwd } = freshCopy();
    const refused = await runCli(['review', '--db', copy.url], {
      cwd,
      env: { LANG: 'es_MX.UTF-8', LC_ALL: '' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/^2 archivos en espera de revisión:\n/);
    expect(refused.stdout).toMatch(/_LAB\.pdf {2}\(.*, confianza 0\.\d\d\)/);
    expect(refused.stderr).toContain(
      'error: revisión no iniciada: recorrer las revisiones requiere una terminal',
    );
    expect(refused.stderr).toContain('\nsugerencia: ejecute `tecsalud-batch review` en una terminal');
    expect(refused.stderr).toContain('`tecsalud-batch review --json` lista los archivos pendientes');
    expect(refused.stderr).toContain('/review/FILE_ID/decision');
    expect(refused.stderr).not.toMatch(/needs a terminal|\n\s+at /);

    const english = await runCli(['review', '--lang', 'en', '--db', copy.url], {
      cwd,
      env: { LANG: 'es_MX.UTF-8' },
    });
    expect(english.stderr).toContain('error: review not started: walking the reviews needs a terminal');

    const listed = await runCli(['review', '--json', '--lang', 'es', '--db', copy.url], { cwd });
    expect(listed.code).toBe(2);
    const json = JSON.parse(listed.stdout) as { pending: unknown[]; terminal_review: unknown };
    expect(json.pending).toHaveLength(2);
    expect(json.terminal_review).toEqual({ available: false, reason_code: 'no_terminal' });
  }, 120_000);
});
