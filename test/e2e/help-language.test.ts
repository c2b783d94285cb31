import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

/** The help a records administrator reads, in the language they chose (the real CLI). */
describe('--help in Spanish under --lang es or a Spanish locale', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = createTempDir('tecsalud-help-es-');
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const help = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(args, { cwd, env: { LANG: 'C', LC_ALL: '', LC_MESSAGES: '', ...env } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return result.stdout;
  };

  it("the program's help: titles, the commands' summaries, examples and exit codes", async () => {
    const text = await help(['--help', '--lang', 'es']);
    expect(text).toMatch(/^Uso: tecsalud-batch \[opciones\] \[comando\]\n\nIngesta masiva de PDF médicos/);
    expect(text).toMatch(
      /^Comandos:\n {2}parse \[opciones\] <filename\.\.\.> +interpreta nombres de archivo/m,
    );
    expect(text).toMatch(/^ {2}help \[comando\] +muestra la ayuda de un comando$/m);
    expect(text).toContain('\nEjemplos:\n  $ tecsalud-batch parse ');
    expect(text).toMatch(/^Códigos de salida:\n {2}0 {4}correcto$/m);
    expect(text).not.toMatch(/Usage:|Commands:|Examples:|Exit codes:/);
  });

  it("a command's and a subcommand's help under LANG / LC_ALL, options and choices kept as typed", async () => {
    const review = await help(['review', '--help'], { LANG: 'es_MX.UTF-8' });
    expect(review).toMatch(/^Uso: tecsalud-batch review \[opciones\] \[session\]\n\nRecorre en la terminal/);
    expect(review).toMatch(/^Argumentos:\n {2}session +id de la sesión o sus primeros caracteres/m);
    expect(review).toMatch(
      /^ {2}--vector-store <kind> +dónde se guarda el índice de búsqueda: embedded\n +\(sqlite-vec dentro/m,
    );
    expect(review).toMatch(/\(valores:\s+"embedded",\s+"chroma"\)/);
    expect(review).toContain(
      'Códigos de salida: 0 no quedan revisiones pendientes, 2 algunas siguen pendientes, 130 terminada con Ctrl-C',
    );

    const ingest = await help(['help', 'ingest'], { LC_ALL: 'es_MX.UTF-8', LANG: 'en_US.UTF-8' });
    expect(ingest).toMatch(/^Uso: tecsalud-batch ingest \[opciones\] <dir>\n\nRecorre DIR/);
    expect(ingest).toMatch(/\(valores:\s+"vectorized",\s+"complete",\s+"both",\s+predeterminado:\s+"both"\)/);

    const list = await help(['patients', 'list', '--help', '--lang', 'es']);
    expect(list).toMatch(/^Opciones:\n {2}--limit <n> +cuántos mostrar \(predeterminado: "50"\)$/m);
  });

  it('takes --lang before the command too: the help and the run of that command follow it', async () => {
    const ingest = await help(['--lang', 'es', 'ingest', '--help']);
    expect(ingest).toMatch(/^Uso: tecsalud-batch ingest \[opciones\] <dir>\n\nRecorre DIR/);
    const list = await help(['--lang=es', 'patients', 'list', '--help']);
    expect(list).toMatch(
      /^Uso: tecsalud-batch patients list \[opciones\]\n\nlista pacientes\n\nOpciones:\n {2}--limit <n> +cuántos mostrar/,
    );

    const parsed = await runCli(['--lang', 'es', 'parse', 'nota.pdf'], {
      cwd,
      env: { LANG: 'C', LC_ALL: '' },
    });
    expect(parsed.stderr).toBe('');
    expect(parsed.stdout).toContain(
      'Formato esperado: [EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf',
    );
    expect(parsed.code).toBe(3);
    // The command's own --lang, after its name, still decides its run.
    const english = await runCli(['--lang', 'es', 'parse', 'nota.pdf', '--lang', 'en'], {
      cwd,
      env: { LANG: 'C', LC_ALL: '' },
    });
    expect(english.stdout).toContain('Expected format: ');
    // The last --lang typed decides, for the help and a refusal as for the command's run.
    const last = await help(['--lang', 'es', 'ingest', '--help', '--lang', 'en']);
    expect(last).toMatch(/^Usage: tecsalud-batch ingest \[options\] <dir>/);
    const refused = await runCli(['unlock', '', '--lang', 'es', '--lang', 'en'], {
      cwd,
      env: { LANG: 'C', LC_ALL: '' },
    });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/^error: name the folder whose run lock to lift/);
    // Checked as the command checks its own.
    const wrong = await runCli(['--lang', 'fr', 'unlock', 'drop'], { cwd, env: { LANG: 'C', LC_ALL: '' } });
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toBe(
      "error: --lang must be 'es' or 'en', not 'fr'\nhint: write one of them, e.g. --lang es\n",
    );
  });

  it('stays English otherwise, and under --lang en whatever the locale says', async () => {
    for (const [args, env] of [
      [['ingest', '--help'], {}],
      [['ingest', '--help', '--lang', 'en'], { LANG: 'es_MX.UTF-8' }],
    ] as const) {
      const text = await help([...args], env);
      expect(text).toMatch(/^Usage: tecsalud-batch ingest \[options\] <dir>\n\nWalk DIR recursively/);
      expect(text).toMatch(/^Exit codes:\n {2}0 {4}success$/m);
      expect(text).toMatch(/\(choices:\s+"vectorized",\s+"complete",\s+"both",\s+default:\s+"both"\)/);
    }
  });
});
