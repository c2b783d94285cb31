import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram, defineAllCommands } from '../../src/cli.js';
import type { Lang } from '../../src/ui/i18n/language.js';
import { untranslatedHelp } from '../../src/ui/i18n/help-es.js';
import { captureIo, createTempDir } from '../support/databases.js';

const cwd = createTempDir('tecsalud-help-language-');

/** Every command's --help (the program's, each command's, each subcommand's) of the real program, by its path. */
async function everyHelp(lang: Lang): Promise<Map<string, string>> {
  const capture = captureIo();
  const program = buildProgram({ cwd, env: {}, io: capture.io, stdin: process.stdin }, lang);
  await defineAllCommands(program);
  const helps = new Map<string, string>();
  const visit = (command: CommandUnknownOpts, path: string) => {
    let text = '';
    command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    command.outputHelp();
    helps.set(path || '(program)', text);
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`.trim());
  };
  visit(program, '');
  return helps;
}

describe('--help in Spanish', () => {
  it('has Spanish for every text of every command: a new option or an edited description without it fails here', async () => {
    await everyHelp('es');
    // Add each to the table in src/ui/i18n/help-es.ts.
    expect([...untranslatedHelp()]).toEqual([]);
  });

  it("leaves none of commander's English words, and keeps flags, choices, defaults and command lines as typed", async () => {
    const helps = await everyHelp('es');
    expect(helps.size).toBeGreaterThan(25);
    for (const [path, text] of helps) {
      expect(text, path).toMatch(/^Uso: tecsalud-batch/);
      expect(text, path).not.toMatch(/^(Usage|Options|Commands|Arguments|Examples?|Exit codes):/m);
      expect(text, path).not.toMatch(
        /\((default|choices): |\[options\]|\[command\]|display help for command|show help/,
      );
    }
    const ingest = helps.get('ingest')!;
    expect(ingest).toMatch(/^Opciones:$/m);
    expect(ingest).toMatch(
      /^ {2}--type <type> +tipo de procesamiento: .*\n.*\n.*\(valores: "vectorized", "complete",\n +"both", predeterminado: "both"\)/m,
    );
    expect(ingest).toContain(
      '$ tecsalud-batch ingest /srv/drop --enqueue --db postgres://tecsalud@db.hospital.local/tecsalud   # después: worker',
    );
    expect(ingest).toMatch(/^Códigos de salida:\n {2}0 {4}correcto\n/m);
    expect(helps.get('(program)')).toMatch(
      /^ {2}parse \[opciones\] <filename\.\.\.> +interpreta nombres de archivo/m,
    );
    expect(helps.get('patients')).toMatch(/^Comandos:\n {2}import \[opciones\] <file> +importa pacientes/m);
    expect(helps.get('patients list')).toContain('cuántos mostrar (predeterminado: "50")');
    expect(helps.get('parse')).toMatch(/^ {2}CONS +consultation \(consulta\)$/m);
    // A person's words in an example are a Spanish speaker's; the command line around them is the same.
    expect(helps.get('documents')).toContain(
      "$ tecsalud-batch documents detach 1a2b3c4d --user jlopez --reason 'el informe nombra a otro paciente'",
    );
  });

  it('names the search index, the search model and the fragments in words a records administrator knows', async () => {
    for (const [path, text] of await everyHelp('es')) {
      // What is typed stays as typed: flags, variables, config keys, model names and the --type codes.
      const words = text
        .replace(/--[a-z-]+|TECSALUD_[A-Z_]+|\b[a-z]+\.[a-zA-Z]+\b|text-embedding-\S+/g, '')
        .replace(/\s+/g, ' ');
      expect(words, path).not.toMatch(/almacén de vectores|vectoriza|embedder|\bembeddings?\b|\bchunks?\b/i);
    }
    const ingest = (await everyHelp('es')).get('ingest')!.replace(/\s+/g, ' ');
    expect(ingest).toContain('--vector-store <kind> dónde se guarda el índice de búsqueda: embedded');
    expect(ingest).toContain(
      '--embedder <kind> modelo de búsqueda que convierte el texto para buscarlo: hashing',
    );
  });

  it('says what every command does on its own help, a subcommand declared with a summary alone too', async () => {
    for (const lang of ['en', 'es'] as const) {
      for (const [path, text] of await everyHelp(lang)) {
        if (path === 'help' || path.endsWith(' help')) continue;
        // The usage line, a blank line, then the description (not straight into Arguments/Options).
        expect(text, `${lang}: ${path}`).toMatch(
          /^(Usage|Uso): .*\n\n(?!(Arguments|Options|Argumentos|Opciones):)\S/,
        );
      }
    }
  });

  it('leaves the English help English', async () => {
    const helps = await everyHelp('en');
    for (const [path, text] of helps) {
      expect(text, path).toMatch(/^Usage: tecsalud-batch/);
      expect(text, path).not.toMatch(/^(Uso|Opciones|Comandos|Argumentos|Ejemplos?|Códigos de salida):/m);
    }
    expect(helps.get('ingest')).toMatch(/^Exit codes:\n {2}0 {4}success\n/m);
    expect(helps.get('parse')).toMatch(/^ {2}CONS +consultation$/m);
  });
});
