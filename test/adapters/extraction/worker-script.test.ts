// The worker module must load both from sources (vitest, tsx) and from the compiled build (plain node).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveWorkerScript } from '../../../src/adapters/extraction/resolve-worker-script.js';
import { makeTextPdf } from './support/make-pdfs.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const sources = new URL('../../../src/adapters/extraction/', import.meta.url);

describe('resolveWorkerScript', { tags: ['slow'] }, () => {
  it('from sources, picks the .ts module and hands tsx to the child', () => {
    const script = resolveWorkerScript('pdf-parse-worker', new URL('pdf-parse-extractor.ts', sources));
    expect(script.filename).toBe(fileURLToPath(new URL('pdf-parse-worker.ts', sources)));
    expect(script.execArgv).toHaveLength(2);
    expect(script.execArgv[0]).toBe('--import');
    expect(script.execArgv[1]).toMatch(/^file:\/\/.*\/tsx\/.*\.mjs$/);
  });

  it('fails clearly when the worker module is nowhere', () => {
    expect(() => resolveWorkerScript('no-such-worker', new URL('pdf-parse-extractor.ts', sources))).toThrow(
      /no-such-worker not found/,
    );
  });
});

describe('compiled build', { tags: ['slow'] }, () => {
  // Inside the project (not the OS temp dir) so the compiled files resolve pdf-parse and tinypool.
  let outDir: string;
  let pdf: string;
  beforeAll(async () => {
    await mkdir(join(root, '.tmp'), { recursive: true });
    outDir = await mkdtemp(join(root, '.tmp', 'extraction-dist-'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const entries = ['index.ts', 'pdf-parse-worker.ts', 'pdfium-worker.ts'].map((name) =>
      join(root, 'src/adapters/extraction', name),
    );
    await run(process.execPath, [
      tsc,
      ...[
        '--outDir',
        outDir,
        '--rootDir',
        join(root, 'src'),
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
      ],
      ...['--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', '--esModuleInterop'],
      ...entries,
    ]);
    pdf = join(outDir, 'alta.pdf');
    await writeFile(pdf, await makeTextPdf({ pages: ['Resumen de alta: evolución favorable.'] }));
  }, 120_000);
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it.each([
    ['pdf-parse', 'createPdfParseExtractor'],
    ['pdfium', 'createPdfiumExtractor'],
  ])('loads the compiled .js %s worker with plain node, no TypeScript loader', async (engine, create) => {
    const compiled = pathToFileURL(join(outDir, 'adapters/extraction/')).href;
    const script = `
      const { ${create}: create } = await import(${JSON.stringify(compiled + 'index.js')});
      const { resolveWorkerScript } = await import(${JSON.stringify(compiled + 'resolve-worker-script.js')});
      const worker = resolveWorkerScript('${engine}-worker', ${JSON.stringify(compiled + 'pooled-extractor.js')});
      const extractor = create({ workers: 1 });
      const result = await extractor.extract(${JSON.stringify(pdf)});
      await extractor.close();
      console.log(JSON.stringify({ worker, result }));`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    });
    const { worker, result } = JSON.parse(stdout) as {
      worker: { filename: string; execArgv: string[] };
      result: unknown;
    };
    expect(worker).toEqual({
      filename: join(outDir, `adapters/extraction/${engine}-worker.js`),
      execArgv: [],
    });
    expect(result).toMatchObject({ ok: true, pages: 1, text: 'Resumen de alta: evolución favorable.' });
    // The engines' console chatter stays inside the child process.
    expect(stderr).toBe('');
  });
});
