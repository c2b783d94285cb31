import { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { ingestCommand } from '../../src/commands/ingest.js';
import { resolveServePipeline, serveCommand, type ServeCommandOptions } from '../../src/commands/serve.js';
import { defaultBackends } from '../support/command-context.js';
import { UsageError } from '../../src/errors.js';

const OCR_AND_CONTENT_FLAGS = [
  '--ocr',
  '--ocr-engine',
  '--ocr-min-confidence',
  '--trust-content',
  '--no-trust-content',
];

/** The options commander gives `serve` for these arguments (the action is not run). */
function serveFlags(args: string[]): Partial<ServeCommandOptions> {
  const command = serveCommand(new Command('serve')).exitOverride();
  command.parseOptions(args);
  return command.opts();
}

const SETTINGS = { uploadDir: '/srv/uploads', maxFileSize: 1_000_000, maxFilesPerSession: 50 };

async function resolve(
  args: string[],
  context: { env?: NodeJS.ProcessEnv; ocr?: object; trustContent?: boolean } = {},
) {
  const backends = await defaultBackends();
  return resolveServePipeline(serveFlags(args), SETTINGS, {
    cwd: '/tmp',
    env: context.env ?? {},
    config: {
      ...backends,
      ocr: { ...context.ocr },
      ...(context.trustContent === undefined ? {} : { trustContent: context.trustContent }),
    },
  });
}

describe("serve's OCR and content-check flags", () => {
  it('are the very flags ingest declares: same names, help and choices', () => {
    const declared = (command: {
      options: readonly { long?: string; flags: string; description: string; argChoices?: string[] }[];
    }) =>
      command.options
        .filter((option) => OCR_AND_CONTENT_FLAGS.includes(option.long!))
        .map((option) => ({
          flags: option.flags,
          description: option.description,
          choices: option.argChoices,
        }));
    const ingest = declared(ingestCommand(new Command('ingest')));
    expect(ingest).toHaveLength(OCR_AND_CONTENT_FLAGS.length);
    expect(declared(serveCommand(new Command('serve')))).toEqual(ingest);
  });

  it('defaults to ingest’s: OCR auto with tesseract.js at 0.7, content not trusted', async () => {
    const defaults = await resolve([]);
    expect(defaults.ocrSettings).toMatchObject({ mode: 'auto', engine: 'tesseract.js', minConfidence: 0.7 });
    expect(defaults.ocr).toEqual({ mode: 'auto', engine: 'tesseract.js', minConfidence: 0.7 });
    expect(defaults.trustContent).toBe(false);
    // The API's limits and folder stand for ingest's --max-file-size, --max-files and DIR.
    expect(defaults).toMatchObject({ maxFileSize: 1_000_000, maxFiles: 50, sourceDir: '/srv/uploads' });
  });

  it('takes the flag over the environment, the environment over the config file, as ingest does', async () => {
    const config = { ocr: { mode: 'force', engine: 'tesseract', minConfidence: 0.5 }, trustContent: true };
    expect((await resolve([], config)).ocrSettings).toMatchObject({
      mode: 'force',
      engine: 'tesseract',
      minConfidence: 0.5,
    });
    expect((await resolve([], config)).trustContent).toBe(true);
    const env = { TECSALUD_OCR: 'off', TECSALUD_OCR_ENGINE: 'tesseract.js' };
    expect((await resolve([], { ...config, env })).ocrSettings).toMatchObject({
      mode: 'off',
      engine: 'tesseract.js',
    });
    const flagged = await resolve(
      ['--ocr', 'auto', '--ocr-engine', 'tesseract', '--ocr-min-confidence', '0.9', '--no-trust-content'],
      { ...config, env },
    );
    expect(flagged.ocrSettings).toMatchObject({ mode: 'auto', engine: 'tesseract', minConfidence: 0.9 });
    expect(flagged.trustContent).toBe(false);
    expect((await resolve(['--trust-content'])).trustContent).toBe(true);
  });

  it.each([
    [['--ocr-min-confidence', '2'], {}, '--ocr-min-confidence must be a number from 0 to 1; got 2'],
    [[], { TECSALUD_OCR: 'sometimes' }, "TECSALUD_OCR must be 'auto', 'off' or 'force', not 'sometimes'"],
    [
      [],
      { TECSALUD_OCR_ENGINE: 'abbyy' },
      "TECSALUD_OCR_ENGINE must be 'tesseract.js' or 'tesseract', not 'abbyy'",
    ],
  ])('refuses %o (env %o) with ingest’s usage error', async (args, env, message) => {
    const refused = resolve(args, { env });
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(message);
  });

  it('refuses a mode that is not one of the choices while parsing, as ingest does', () => {
    for (const make of [
      () => serveCommand(new Command('serve')),
      () => ingestCommand(new Command('ingest')),
    ]) {
      const command = make()
        .exitOverride()
        .configureOutput({ writeErr: () => undefined });
      expect(() => command.parseOptions(['--ocr', 'sometimes'])).toThrow(/argument 'sometimes' is invalid/);
    }
  });
});
