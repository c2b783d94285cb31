import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { BackendConfig } from '../../config/load-config.js';
import { resolveOcrSettings, type OcrSettings } from '../../config/ocr-settings.js';
import { OCR_DEFAULTS, OCR_ENGINES, OCR_MODES } from '../../core/pipeline/ocr-options.js';

/**
 * How scanned pages are read and whether a document's own identity may settle its match: `ingest` and
 * `serve` run the same pipeline, so they take these flags from here, with one help text and one resolution.
 */
export function addOcrAndContentOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(
      new Option(
        '--ocr <mode>',
        `OCR scanned pages: auto (pages without a text layer, or scanned under a stamp, letterhead or typed form of text), off, or force (every page) (env TECSALUD_OCR; default ${OCR_DEFAULTS.mode})`,
      ).choices(OCR_MODES),
    )
    .addOption(
      new Option(
        '--ocr-engine <engine>',
        'tesseract.js (default, needs nothing installed) or tesseract (Debian tesseract-ocr and poppler-utils, faster) (env TECSALUD_OCR_ENGINE)',
      ).choices(OCR_ENGINES),
    )
    .option(
      '--ocr-min-confidence <x>',
      `mean OCR word confidence (0-1) below which an ingested file is flagged low_ocr_confidence (default ${OCR_DEFAULTS.minConfidence})`,
    )
    .option(
      '--trust-content',
      "attach a file the filename alone would send to review when the document's own expediente and full " +
        "name identify one registry patient and the filename's name agrees (audited content_confirmed; " +
        'config key trustContent; default off)',
    )
    .option('--no-trust-content', 'do not, whatever the config file says');
}

/** The flags as commander hands them over (a direct caller may pass any string: it is checked here). */
export interface OcrAndContentFlags {
  /** `--ocr auto|off|force` */
  ocr?: string;
  /** `--ocr-engine tesseract.js|tesseract` */
  ocrEngine?: string;
  /** `--ocr-min-confidence X` */
  ocrMinConfidence?: string;
  /** `--trust-content` / `--no-trust-content`; undefined leaves it to the config file (default off). */
  trustContent?: boolean;
}

/** What fills in a flag not given: the environment (TECSALUD_OCR, TECSALUD_OCR_ENGINE), then the config file. */
export interface OcrAndContentSources {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The config file's `ocr` section. */
  ocrConfig?: BackendConfig['ocr'];
  /** The config file's `trustContent`. */
  trustContentConfig?: boolean;
}

/** Flag > environment > config file > default; a bad value is a UsageError naming where it came from. */
export function resolveOcrAndContent(
  flags: OcrAndContentFlags,
  sources: OcrAndContentSources,
): { ocrSettings: OcrSettings; trustContent: boolean } {
  return {
    ocrSettings: resolveOcrSettings({ ...flags, env: sources.env ?? process.env }, sources.ocrConfig),
    trustContent: flags.trustContent ?? sources.trustContentConfig ?? false,
  };
}

/** The sources a command's context holds: its environment and its resolved configuration. */
export function ocrAndContentSourcesOf(context: {
  env?: NodeJS.ProcessEnv;
  config: Pick<BackendConfig, 'ocr' | 'trustContent'> | null;
}): OcrAndContentSources {
  return {
    env: context.env,
    ocrConfig: context.config?.ocr,
    trustContentConfig: context.config?.trustContent,
  };
}
