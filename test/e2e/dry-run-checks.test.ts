import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DAC_OVERRIDE, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { dateBack } from '../support/delivered-files.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

const GOOD = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const EMPTY = '3000016374_RÍOS CORONADO, CÉSAR_6482601208_LAB.pdf';
const HTML = '3000016374_RÍOS CORONADO, CÉSAR_6482601209_LAB.pdf';
const LARGE = '3000016374_RÍOS CORONADO, CÉSAR_6482601210_LAB.pdf';
const LOCKED = '3000016374_RÍOS CORONADO, CÉSAR_6482601211_LAB.pdf';
const MISNAMED = 'RIOS CORONADO CESAR CONS.pdf';

interface PlanJson {
  counts: Record<string, number>;
  files: { path: string; plan: string; outcome?: string; error?: string }[];
}
interface RunJson {
  files: { path: string; outcome: string; error: string | null }[];
}

/**
 * `ingest --dry-run` applies the checks the run makes before matching (size, permissions, the `%PDF-` header),
 * so that a records admin who trusts the plan is not surprised by the run: the same files fail, with the same
 * outcome and words. Through the built CLI.
 */
describe('ingest --dry-run predicts the files the run fails', { tags: ['slow'] }, () => {
  let dir: string;
  const drop = () => path.join(dir, 'drop');

  beforeAll(async () => {
    dir = createTempDir('tecsalud-dry-run-checks-');
    fs.mkdirSync(path.join(drop(), 'cerrada'), { recursive: true });
    const pdf = fs.readFileSync(path.join(SAMPLE_DIR, GOOD));
    fs.writeFileSync(path.join(drop(), GOOD), pdf);
    fs.writeFileSync(path.join(drop(), MISNAMED), pdf);
    fs.writeFileSync(path.join(drop(), EMPTY), '');
    // Delivered before the run: one created just now is watched 2 s first, by the plan as by the run (a copy may
    // be about to write its bytes), a case still-being-written's tests cover.
    dateBack(path.join(drop(), EMPTY));
    fs.writeFileSync(
      path.join(drop(), HTML),
      '<!DOCTYPE html><html><body>Resultado de laboratorio</body></html>',
    );
    // A whole PDF, over the run's --max-file-size of 64KB below.
    fs.writeFileSync(path.join(drop(), LARGE), Buffer.concat([pdf, Buffer.alloc(100 * 1024, 0x20)]));
    fs.writeFileSync(path.join(drop(), LOCKED), pdf);
    fs.chmodSync(path.join(drop(), LOCKED), 0o000);
    fs.writeFileSync(path.join(drop(), 'cerrada', GOOD), pdf);
    fs.chmodSync(path.join(drop(), 'cerrada'), 0o000);
    // Listed but not entered (no x): its file's stat is refused, which is the folder's doing, not the file's.
    fs.mkdirSync(path.join(drop(), 'sin-paso'));
    fs.writeFileSync(path.join(drop(), 'sin-paso', GOOD), pdf);
    fs.chmodSync(path.join(drop(), 'sin-paso'), 0o644);
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => {
    fs.chmodSync(path.join(drop(), 'cerrada'), 0o700);
    fs.chmodSync(path.join(drop(), 'sin-paso'), 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const args = ['ingest', 'drop', '--db', 'r.db', '--max-file-size', '64KB'];
  const cli = (extra: string[]) => runCli([...args, ...extra], { cwd: dir, wrapper: NO_DAC_OVERRIDE });

  // Before the real ingest below, which settles the good file (a later plan lists it no more).
  it('lists them with the reason, in English and Spanish, and says what it did not read', async () => {
    const [english, spanish] = await Promise.all([
      cli(['--dry-run', '--lang', 'en']),
      cli(['--dry-run', '--lang', 'es']),
    ]);
    expect(english.code, english.stderr).toBe(0);
    expect(english.stdout).toContain(`failed        ${EMPTY}  empty_file: the file is empty (0 bytes)\n`);
    expect(english.stdout).toContain(
      `failed        ${HTML}  not_pdf: the file is named .pdf but its content is not a PDF (no %PDF- header)\n`,
    );
    expect(english.stdout).toContain(
      `failed        ${LOCKED}  unreadable: cannot read the file: permission denied (check the file’s permissions)\n`,
    );
    // A folder's failure says it is the folder, and what to do about it.
    expect(english.stdout).toContain(
      'failed        cerrada/  unreadable: cannot read this folder (permission denied): its files were not looked ' +
        'at; fix its permissions (this account needs to read and enter it: chmod +rx on the folder, or make this ' +
        'account its owner) and run again\n',
    );
    expect(english.stdout).toContain(
      `failed        sin-paso/${GOOD}  unreadable: cannot read the file: permission denied on its folder, which can ` +
        'be listed but not entered (give this account search permission on the folder: chmod +x, or make this ' +
        'account its owner)\n',
    );
    expect(spanish.stdout).toContain(
      'fallaría        cerrada/  no se puede leer esta carpeta (permiso denegado): no se revisaron sus archivos; ' +
        'corrija sus permisos (esta cuenta necesita leerla y entrar en ella: chmod +rx en la carpeta, o haga a esta ' +
        'cuenta su propietaria) y ejecute de nuevo (unreadable)\n',
    );
    expect(spanish.stdout).toContain(
      `fallaría        sin-paso/${GOOD}  no se puede leer el archivo: permiso denegado en su carpeta, que se puede ` +
        'listar pero no se puede entrar en ella (dé a esta cuenta permiso de búsqueda en la carpeta: chmod +x, o ' +
        'haga a esta cuenta su propietaria) (unreadable)\n',
    );
    expect(english.stdout).toMatch(
      /^Dry run: 1 would attach, .*1 has an invalid name, 6 would fail\. Nothing was written\.$/m,
    );
    expect(english.stdout).toContain(
      'Contents are not read: damaged or password-protected PDFs show up in the run.',
    );
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout).toContain(
      `fallaría        ${EMPTY}  el archivo está vacío (0 bytes) (empty_file)\n`,
    );
    expect(spanish.stdout).toMatch(/, 1 tiene un nombre inválido, 6 fallarían\. No se escribió nada\.$/m);
    expect(spanish.stdout).toContain(
      'El contenido no se lee: los PDF dañados o protegidos con contraseña aparecen en la ejecución.',
    );
  });

  it('plans each failing file with the outcome and the reason a real ingest then records', async () => {
    const planned = await cli(['--dry-run', '--json']);
    expect(planned.stderr).toBe('');
    const plan = JSON.parse(planned.stdout) as PlanJson;
    const failing = Object.fromEntries(
      plan.files.filter((file) => file.plan === 'failed').map((file) => [file.path, file.outcome]),
    );
    expect(failing).toEqual({
      [EMPTY]: 'empty_file',
      [HTML]: 'not_pdf',
      [LARGE]: 'too_large',
      [LOCKED]: 'unreadable',
      'cerrada/': 'unreadable',
      [`sin-paso/${GOOD}`]: 'unreadable',
    });
    expect(plan.counts).toMatchObject({ auto: 1, invalid: 1, failed: 6, review: 0, new: 0 });
    expect(plan.files.find((file) => file.path === GOOD)).toMatchObject({ plan: 'auto' });

    const ran = await cli(['--type', 'complete', '--non-interactive', '--json']);
    const report = JSON.parse(ran.stdout) as RunJson;
    // Every file the plan fails, the run fails with the same outcome and words; nothing else fails.
    const failedInRun = report.files.filter((file) => file.outcome !== 'ingested');
    expect(
      Object.fromEntries(
        failedInRun.map((file) => [file.path, { outcome: file.outcome, error: file.error }]),
      ),
    ).toEqual(
      Object.fromEntries(
        plan.files
          .filter((file) => file.plan === 'failed' || file.plan === 'invalid_name')
          .map((file) => [
            file.path,
            { outcome: file.plan === 'failed' ? file.outcome : 'invalid_name', error: file.error },
          ]),
      ),
    );
    expect(report.files.find((file) => file.path === GOOD)?.outcome).toBe('ingested');
    // The run exits 3, some files failed; the plan that foresaw it was made, and exited 0.
    expect(ran.code, ran.stderr).toBe(3);
    expect(planned.code).toBe(0);
  });

  it("match, given the run's --max-file-size, says the file over it fails too_large in the run's words", async () => {
    const plan = JSON.parse((await cli(['--dry-run', '--json'])).stdout) as PlanJson;
    const planned = plan.files.find((file) => file.path === LARGE)!;
    expect(planned).toMatchObject({ plan: 'failed', outcome: 'too_large' });
    const match = (...extra: string[]) =>
      runCli(['match', path.join('drop', LARGE), '--db', 'r.db', ...extra], { cwd: dir });

    const judged = await match('--max-file-size', '64KB', '--json');
    expect(judged.code, judged.stderr).toBe(3);
    expect(JSON.parse(judged.stdout)).toMatchObject([
      { filename: LARGE, decision: 'failed', outcome: 'too_large', error: planned.error },
    ]);
    const es = await match('--max-file-size', '64KB', '--lang', 'es');
    expect(es.stdout).toContain('FALLARÍA (too_large)');
    expect(es.stdout).toMatch(
      /el archivo pesa .*, más que el límite de 64\.0 KB \(súbalo con --max-file-size\)/,
    );
    // Within the limit (the run's default of 10MB) the same file is matched and read as any other.
    expect(JSON.parse((await match('--json')).stdout)).toMatchObject([{ decision: 'auto' }]);

    // A file the run may not read: match says so in the run's words (it was an internal error, exit 70).
    const locked = await runCli(['match', path.join('drop', LOCKED), '--db', 'r.db', '--json'], {
      cwd: dir,
      wrapper: NO_DAC_OVERRIDE,
    });
    expect(locked.code, locked.stderr).toBe(3);
    expect(JSON.parse(locked.stdout)).toMatchObject([
      {
        decision: 'failed',
        outcome: 'unreadable',
        error: plan.files.find((file) => file.path === LOCKED)!.error,
      },
    ]);

    // A value that is no size is refused as ingest refuses it, and the help lists the option.
    const [refused, ingestRefused] = await Promise.all([
      match('--max-file-size', '10XB'),
      cli(['--max-file-size', '10XB', '--dry-run']),
    ]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toBe(
      "error: --max-file-size '10XB' is not a size\nhint: write it like 10MB, 512KB or 1048576\n",
    );
    expect(ingestRefused.stderr).toBe(refused.stderr);
    expect((await runCli(['match', '--help'], { cwd: dir })).stdout).toMatch(
      /--max-file-size <size> +largest file accepted, e\.g\. 10MB \(default 10MB\)/,
    );
  });
});
